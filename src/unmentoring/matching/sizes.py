"""The group-size rule and the same-organisation policies (docs/design.md §5): the engine's limits, in one place."""

from __future__ import annotations

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 5

# "avoid" grouping people of one organisation when it can be helped, or "allow" it.
SAME_ORG_AVOID = "avoid"
SAME_ORG_ALLOW = "allow"
SAME_ORG_POLICIES: tuple[str, ...] = (SAME_ORG_AVOID, SAME_ORG_ALLOW)


class MatchingError(ValueError):
    """The inputs cannot be grouped; the message says why, in words a person can act on."""


def group_sizes(n: int, k: int) -> list[int]:
    """Sizes of the groups for n people and target size k, largest first.

    g = n // k groups if none then exceeds k + 1 members, otherwise ⌈n / k⌉;
    sizes as equal as possible; 2 ≤ n < k gives one group of everyone.

    >>> group_sizes(10, 3)
    [4, 3, 3]
    >>> group_sizes(7, 5)
    [4, 3]
    >>> group_sizes(7, 2)
    [3, 2, 2]
    """
    if not MIN_GROUP_SIZE <= k <= MAX_GROUP_SIZE:
        raise MatchingError(f"group size must be between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}, not {k}")
    if n < 2:
        raise MatchingError(f"at least 2 eligible people are needed to make a group; there {'is' if n == 1 else 'are'} {n}")
    if n < k:
        return [n]
    g = n // k
    if -(-n // g) > k + 1:
        g = -(-n // k)
    q, r = divmod(n, g)
    return [q + 1] * r + [q] * (g - r)
