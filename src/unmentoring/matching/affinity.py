"""The "similar" objective, for a programme that tests its founding assumption (docs/design.md §7).

Instead of at random, each member is grouped with the people they have most in common with: the same kind
of role, and shared words in what they are happy to talk about. Under the same hard rules as the draw: no
blocked pair ever, and no pair who met before where that can be avoided.

Greedy, and pure: pairs are taken best first (most in common, never met, then different organisations,
ties broken by the seeded random order), so the people with the most in common are grouped together; those
left with nobody in common are grouped by the ordinary engine, which keeps its rules.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from .api import Group, Grouping, Participant, PastMeeting, match
from .sizes import SAME_ORG_AVOID, MatchingError, group_sizes

CANDIDATES = 20  # the people each member is compared with: those they share their rarest keys with
# Words too common to say two people have anything in common.
STOP_WORDS = frozenset(
    "about after also and any are around from have how into more most not our over than that the their them then "
    "they this those what when where which while with work working your".split())


@dataclass(frozen=True)
class Profile:
    id: str
    organisation: str = ""
    role: str = ""  # compared without case or spacing
    topics: frozenset[str] = frozenset()  # words, see ``topic_words``


def topic_words(text: str) -> frozenset[str]:
    """The words of "happy to talk about" that can be shared: four letters or more, not stop words."""
    return frozenset(w for w in re.findall(r"[^\W\d_]+", text.casefold()) if len(w) >= 4 and w not in STOP_WORDS)


def _role(profile: Profile) -> str:
    return " ".join(profile.role.casefold().split())


def affinity(a: Profile, b: Profile) -> int:
    """What two people have in common: 2 for the same kind of role, 1 a shared word."""
    return (2 if _role(a) and _role(a) == _role(b) else 0) + len(a.topics & b.topics)


def _org(profile: Profile) -> str:
    return " ".join(profile.organisation.casefold().split())


def match_similar(profiles: Sequence[Profile], *, history: Iterable[PastMeeting] = (),
                  blocked: Iterable[tuple[str, str]] = (), group_size: int = 2, seed: int,
                  same_org: str = SAME_ORG_AVOID) -> Grouping:
    """Group every profile with those they have most in common with; see the module's docstring."""
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        raise MatchingError("a participant appears more than once")
    sizes = group_sizes(len(profiles), group_size)  # raises the clear error for too few people
    by_id = {p.id: p for p in sorted(profiles, key=lambda p: p.id)}
    history = list(history)
    blocked = list(blocked)
    met = {frozenset((m.a, m.b)) for m in history}
    never = {frozenset(pair) for pair in blocked}
    rng = random.Random(seed)
    order = {pid: rng.random() for pid in by_id}

    # Candidate pairs: only people who share a role or a word can score; index by each.
    sharing: dict[str, list[str]] = defaultdict(list)
    for p in by_id.values():
        if _role(p):
            sharing["role:" + _role(p)].append(p.id)
        for word in p.topics:
            sharing["word:" + word].append(p.id)
    # Each person's candidates: the people they share their rarest keys with, at most CANDIDATES of them (a
    # role thousands share is sampled, by the seed), so the work grows with the members, not their square.
    # Pairs who met before, or blocked, are never candidates: a repeat is left to the ordinary engine.
    scored: dict[frozenset, int] = {}
    neighbours: dict[str, set[str]] = defaultdict(set)
    keys_of: dict[str, list[str]] = defaultdict(list)
    for key, members in sharing.items():
        for pid in members:
            keys_of[pid].append(key)
    role = {pid: _role(p) for pid, p in by_id.items()}
    topics = {pid: p.topics for pid, p in by_id.items()}
    sampler = random.Random(f"candidates:{seed}")
    for pid in by_id:
        found: list[str] = []
        for key in sorted(keys_of[pid], key=lambda k: (len(sharing[k]), k)):
            members = sharing[key]
            pool = members if len(members) <= CANDIDATES * 2 else sampler.sample(members, CANDIDATES * 2)
            found += [other for other in pool if other != pid]
            if len(found) >= CANDIDATES:
                break
        for other in found[:CANDIDATES]:
            pair = frozenset((pid, other))
            if pair in scored or pair in never or pair in met:
                continue
            scored[pair] = (2 if role[pid] and role[pid] == role[other] else 0) + len(topics[pid] & topics[other])
            neighbours[pid].add(other)
            neighbours[other].add(pid)

    org = {pid: _org(p) for pid, p in by_id.items()}
    avoid = same_org == SAME_ORG_AVOID
    ranked = sorted(
        (-score, avoid and org[a] == org[b] != "", order[a] + order[b], a, b)
        for a, b, score in ((*sorted(pair), score) for pair, score in scored.items()) if score > 0)

    groups: list[list[str]] = []
    placed: set[str] = set()
    capacity = sorted(sizes, reverse=True)  # the larger groups are made first
    for *_rank, a, b in ranked:
        if len(groups) == len(capacity):
            break
        if a in placed or b in placed:
            continue
        group = [a, b]
        wanted = capacity[len(groups)]
        while len(group) < wanted:  # a larger group grows by whoever has most in common with it
            best = _best_addition(group, neighbours, placed | set(group), never, met, scored)
            if best is None:
                break
            group.append(best)
        if len(group) < wanted:
            continue  # nobody fits this group whole: leave its people to the engine
        groups.append(group)
        placed.update(group)

    # Whoever is left (the greedy groups are always whole, so they make whole groups too) is grouped by the
    # ordinary engine, with its rules.
    rest = [pid for pid in by_id if pid not in placed]
    left = set(rest)
    explanations = [_explain(group, by_id) for group in groups]
    if rest:
        leftover = match([Participant(pid, by_id[pid].organisation) for pid in rest],
                         history=[m for m in history if m.a in left and m.b in left],
                         blocked=[(a, b) for a, b in blocked if a in left and b in left],
                         group_size=group_size, seed=seed, same_org=same_org)
        for g in leftover.groups:
            groups.append(list(g.members))
            explanations.append("nothing in common with anyone left, so matched at random: " + g.explanation)

    _swap_out_repeats(groups, explanations, never, met)
    result = [Group(members=tuple(sorted(g)), explanation=e) for g, e in zip(groups, explanations, strict=True)]
    pairs_in = [tuple(pair) for g in result for pair in combinations(g.members, 2)]
    same = sum(1 for a, b in pairs_in if _org(by_id[a]) and _org(by_id[a]) == _org(by_id[b])) \
        if same_org == SAME_ORG_AVOID else 0
    return Grouping(groups=tuple(sorted(result, key=lambda g: g.members)), seed=seed,
                    repeat_pairs=sum(1 for pair in pairs_in if frozenset(pair) in met), same_org_pairs=same,
                    same_org_lower_bound=0, optimal=False)


def _clean(group: list[str], never: set, met: set) -> bool:
    return not any(frozenset(pair) in never or frozenset(pair) in met for pair in combinations(group, 2))


def _swap_out_repeats(groups: list[list[str]], explanations: list[str], never: set, met: set) -> None:
    """Where two who met before share a group, swap one of them with someone in another group if that leaves
    both groups without a repeat or a block: greedy choices can make a repeat that a swap avoids."""
    for i, group in enumerate(groups):
        for x, y in [pair for pair in combinations(group, 2) if frozenset(pair) in met]:
            if x not in group or y not in group:
                continue
            done = False
            for j, other in enumerate(groups):
                if j == i or done:
                    continue
                for mover in (y, x):
                    for z in other:
                        mine = [z if m == mover else m for m in group]
                        theirs = [mover if m == z else m for m in other]
                        if _clean(mine, never, met) and _clean(theirs, never, met):
                            groups[i], groups[j] = mine, theirs
                            group = mine
                            explanations[i] = explanations[j] = "matched on what you have in common, after a swap so " \
                                                                 "that nobody meets someone again"
                            done = True
                            break
                    if done:
                        break


def _best_addition(group: list[str], neighbours: dict[str, set[str]], taken: set[str], never: set, met: set,
                   scored: dict) -> str | None:
    """Whoever, among the group's candidates, has most in common with it and met none of it; None if nobody."""
    best, best_key = None, None
    for pid in sorted(set().union(*(neighbours[m] for m in group)) - taken):
        if any(frozenset((pid, m)) in never or frozenset((pid, m)) in met for m in group):
            continue
        key = (-sum(scored.get(frozenset((pid, m)), 0) for m in group), pid)
        if best_key is None or key < best_key:
            best, best_key = pid, key
    return best


def _explain(group: list[str], by_id: dict[str, Profile]) -> str:
    people = [by_id[pid] for pid in group]
    roles = {_role(p) for p in people}
    shared = frozenset.intersection(*(p.topics for p in people))
    said = []
    if len(roles) == 1 and "" not in roles:
        said.append(f"the same kind of role ({people[0].role})")
    if shared:
        said.append("you are all happy to talk about " + ", ".join(sorted(shared)[:3]) if len(people) > 2
                    else "you are both happy to talk about " + ", ".join(sorted(shared)[:3]))
    return "matched on what you have in common: " + ("; ".join(said) if said else "your interests overlap")
