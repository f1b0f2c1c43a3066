"""The optional experiment (docs/design.md §7): at each draw, which members are matched at random and which by
what they have in common. Seeded by the round's own committed seed, so anyone can check the split once the
seed is published; balanced, the two halves differing by less than a group."""

from __future__ import annotations

import random
from collections.abc import Sequence

from unmentoring.matching.affinity import Profile, topic_words
from unmentoring.programmes.models import Membership
from unmentoring.rounds.enums import Arm

FEWEST_FOR_AN_EXPERIMENT = 4  # two in each arm


def experiment_arms(membership_ids: Sequence[int], *, seed: str, group_size: int = 2) -> dict[int, str]:
    """Each membership's arm: the ids in order, shuffled by the seed, the first half random. The random half
    is a whole number of groups (the nearest to half), so that splitting makes no extra larger group."""
    shuffled = sorted(membership_ids)
    random.Random(f"arms:{seed}").shuffle(shuffled)
    half = group_size * round(len(shuffled) / (2 * group_size))
    half = min(max(half, 2), len(shuffled) - 2) if len(shuffled) >= 4 else (len(shuffled) + 1) // 2
    return {pk: (Arm.RANDOM if i < half else Arm.SIMILAR) for i, pk in enumerate(shuffled)}


def profile(membership: Membership) -> Profile:
    """What the similar arm matches on: the kind of role, and the words of "happy to talk about"."""
    return Profile(id=str(membership.pk), organisation=" ".join(membership.organisation.casefold().split()),
                   role=membership.role, topics=topic_words(membership.happy_to_talk_about))
