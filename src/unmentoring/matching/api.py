"""The plain-data API: participants and history in, groups with explanations out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from . import engine
from .sizes import MAX_GROUP_SIZE, MIN_GROUP_SIZE, SAME_ORG_AVOID, SAME_ORG_POLICIES, MatchingError

SameOrg = Literal["avoid", "allow"]


@dataclass(frozen=True)
class Participant:
    id: str
    organisation: str = ""  # empty: not known, never counted as a same-organisation pair


@dataclass(frozen=True)
class PastMeeting:
    round: int  # larger is more recent
    a: str
    b: str


@dataclass(frozen=True)
class Group:
    members: tuple[str, ...]  # ids, sorted
    explanation: str


@dataclass(frozen=True)
class Grouping:
    groups: tuple[Group, ...]
    seed: int
    repeat_pairs: int  # pairs in a group who met before
    same_org_pairs: int  # pairs in a group from the same organisation (counted under "avoid" only)
    same_org_lower_bound: int  # no grouping can have fewer
    optimal: bool  # proved best on repeats (and their recency) and then same-organisation pairs


@dataclass(frozen=True)
class Indexed:
    """Validated inputs as integer arrays, people in canonical (id-sorted) order."""

    ids: list[str]
    org_names: list[str]
    problem: engine.Problem


def check_options(group_size: int, same_org: str) -> None:
    if isinstance(group_size, bool) or not isinstance(group_size, int):
        raise MatchingError(f"group size must be a whole number, not {group_size!r}")
    if not MIN_GROUP_SIZE <= group_size <= MAX_GROUP_SIZE:
        raise MatchingError(
            f"group size must be between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}, not {group_size}"
        )
    if same_org not in SAME_ORG_POLICIES:
        raise MatchingError(f"same-organisation policy must be 'avoid' or 'allow', not {same_org!r}")


def org_codes(orgs_in_order: Sequence[str]) -> np.ndarray:
    """Organisation code per person: first-appearance order; blanks each get their own code."""
    codes: dict[str, int] = {}
    out = np.empty(len(orgs_in_order), dtype=np.int64)
    blanks = []
    for i, o in enumerate(orgs_in_order):
        if o == "":
            blanks.append(i)
            continue
        out[i] = codes.setdefault(o, len(codes))
    out[blanks] = len(codes) + np.arange(len(blanks), dtype=np.int64)
    return out


def index_inputs(
    participants: Sequence[Participant],
    history: Iterable[PastMeeting],
    blocked: Iterable[tuple[str, str]],
    group_size: int,
    same_org: str,
) -> Indexed:
    check_options(group_size, same_org)
    people = sorted(participants, key=lambda p: p.id)
    ids = [p.id for p in people]
    for earlier, later in zip(ids, ids[1:], strict=False):
        if earlier == later:
            raise MatchingError(f"participant {later!r} appears more than once")
    pos = {pid: i for i, pid in enumerate(ids)}
    ha, hb, hr = [], [], []
    for m in history:
        for who in (m.a, m.b):
            if who not in pos:
                raise MatchingError(f"history mentions {who!r}, who is not a participant")
        if m.a == m.b:
            raise MatchingError(f"history pairs {m.a!r} with themselves")
        ha.append(pos[m.a])
        hb.append(pos[m.b])
        hr.append(int(m.round))
    ba, bb = [], []
    for a, b in blocked:
        for who in (a, b):
            if who not in pos:
                raise MatchingError(f"blocked pair mentions {who!r}, who is not a participant")
        if a == b:
            raise MatchingError(f"blocked pair pairs {a!r} with themselves")
        ba.append(pos[a])
        bb.append(pos[b])
    problem = engine.build_problem(
        len(ids),
        org_codes([p.organisation for p in people]),
        np.asarray(ha, dtype=np.int64),
        np.asarray(hb, dtype=np.int64),
        np.asarray(hr, dtype=np.int64),
        np.asarray(ba, dtype=np.int64),
        np.asarray(bb, dtype=np.int64),
        group_size,
        same_org == SAME_ORG_AVOID,
    )
    return Indexed(ids=ids, org_names=[p.organisation for p in people], problem=problem)


def match(
    participants: Sequence[Participant],
    *,
    history: Iterable[PastMeeting] = (),
    blocked: Iterable[tuple[str, str]] = (),
    group_size: int = 2,
    seed: int,
    same_org: SameOrg = SAME_ORG_AVOID,
) -> Grouping:
    """Group every participant; see docs/design.md §5 for the rules.

    Raises MatchingError (a ValueError) for fewer than two participants,
    unknown ids, bad options, or blocked pairs that make grouping impossible.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise MatchingError(f"seed must be a non-negative whole number, not {seed!r}")
    data = index_inputs(participants, history, blocked, group_size, same_org)
    if data.problem.n < 2:
        engine.group_sizes(data.problem.n, group_size)  # raises the clear error
    try:
        solution = engine.solve(data.problem, seed)
    except MatchingError as exc:
        raise MatchingError(name_people(str(exc), data.ids)) from None
    return Grouping(
        groups=tuple(explain(data, solution)),
        seed=seed,
        repeat_pairs=solution.repeats,
        same_org_pairs=solution.same_org,
        same_org_lower_bound=solution.same_org_bound,
        optimal=solution.certified,
    )


def name_people(message: str, ids: Sequence[str]) -> str:
    """Replace '#index' markers in an engine message with participant ids."""
    return re.sub(r"#(\d+)", lambda m: repr(ids[int(m.group(1))]), message)


def explain(data: Indexed, solution: engine.Solution) -> list[Group]:
    """One readable sentence per group."""
    prob = data.problem
    gid = solution.gid
    order = np.lexsort((np.arange(prob.n), gid))
    bounds = np.flatnonzero(np.r_[True, gid[order][1:] != gid[order][:-1], True])
    a, b = engine.group_pairs(gid)
    met, _rank, _same, _blocked = engine.pair_facts(prob, a, b)
    hit = engine._find(prob.met_key, engine._keys(prob, a, b))
    rounds = np.where(met, prob.met_round[np.maximum(hit, 0)] if len(hit) and len(prob.met_round) else 0, 0)
    same_org = prob.org[a] == prob.org[b]
    per_group: dict[int, list[tuple[int, int, int, bool, bool]]] = {}
    for x, y, m, r, s in zip(a.tolist(), b.tolist(), met.tolist(), rounds.tolist(), same_org.tolist(), strict=False):
        per_group.setdefault(int(gid[x]), []).append((x, y, r, m, s))
    groups = []
    k = prob.group_size
    for g in range(len(bounds) - 1):
        members = order[bounds[g] : bounds[g + 1]].tolist()
        pairs = per_group.get(g, [])
        repeats = sorted((r, data.ids[x], data.ids[y]) for x, y, r, m, _s in pairs if m)
        same = sum(1 for *_rest, s in pairs if s)
        if len(members) == 2:
            text = f"you met in round {repeats[0][0]}" if repeats else "first meeting"
            if repeats and solution.certified:
                text += " — the least recent repeat available"
        elif not repeats:
            text = "first meetings for everyone"
        else:
            text = "; ".join(f"{x} and {y} met in round {r}" for r, x, y in repeats)
            text += " — the least recent repeats available" if solution.certified else ""
            text += "; every other pair is meeting for the first time" if len(repeats) < len(pairs) else ""
        if same == 0:
            text += "; different organisations"
        else:
            org = data.org_names[members[0]] if len(members) == 2 else None
            what = f"both from {org}" if org else f"{same} pair{'s' if same > 1 else ''} from the same organisation"
            if not prob.avoid_same_org:
                text += f"; {what}"
            elif solution.certified:
                text += f"; {what} — unavoidable this round"
            else:
                text += f"; {what}"
        if len(members) > k:
            text += f"; a group of {len(members)} because the numbers do not divide into groups of {k}"
        groups.append(Group(members=tuple(data.ids[i] for i in members), explanation=text))
    return groups
