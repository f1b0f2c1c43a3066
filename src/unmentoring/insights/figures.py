"""The arithmetic of the evidence, as plain functions over plain rows (docs/design.md §7).

Nothing here reads the database: ``selectors.py`` turns a programme into :class:`Meeting` rows, and the open
data file ``meetings.csv`` holds the same rows, so every figure can be recomputed from that file with these
functions. The definitions, used exactly here, on the pages and in the export:

- a group **met** if at least one of its members answered ``met=yes``;
- the **challenge** figures use the answers of members who met;
- a **new organisation link** in a round is an unordered pair of different organisations found together in a
  group that met in that round and in no group that met in an earlier round.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

BOOTSTRAP_RESAMPLES = 2000
# An erased member's seats each carry their own pseudonym starting with this (nothing links them): they count
# as people in their round, but not as members across rounds.
ERASED = "X"
FEWEST_FOR_AN_INTERVAL = 2
# Before each half has this many groups that met, a difference is not read as evidence: members of one group
# answer alike, which the interval (answer by answer) does not allow for.
FEWEST_GROUPS_FOR_EVIDENCE = 10
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Meeting:
    """One seat of a drawn round: who sat in which group, and what they answered."""

    round: int
    group: int
    person: str  # a pseudonym: the same person has the same one throughout
    organisation: str
    met: str = ""  # "yes", "planned", "no", or "" when unanswered
    not_met_reason: str = ""
    challenge: int | None = None
    learning: str = ""  # only when published without a name (see ``published``)
    arm: str = ""  # in an experiment's draw: "random" or "similar"
    # Published, with or without a name. The open data quotes only learnings published without one: beside a
    # pseudonym, a named learning's text would name its member. Read from meetings.csv, a row is published
    # when it has a learning.
    published: bool = False


def organisation_key(name: str) -> str:
    """Organisations that differ only by spacing or case are one (as the draw treats them)."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float | None
    high: float | None


def challenge_interval(answers: list[int], *, seed: int | str, resamples: int = BOOTSTRAP_RESAMPLES) -> Interval | None:
    """The mean of 1–5 answers with a 95% percentile-bootstrap interval; None with no answers, and no
    interval below two. Seeded, so the same answers and seed give the same interval.

    A resample of n answers on a five-point scale is a multinomial draw of n over the five points' shares,
    taken here as a chain of binomials: the same distribution as resampling the answers one by one, in
    time that does not grow with n.
    """
    if not answers:
        return None
    mean = sum(answers) / len(answers)
    if len(answers) < FEWEST_FOR_AN_INTERVAL:
        return Interval(mean, None, None)
    means = sorted(_resampled_means(answers, random.Random(f"challenge:{seed}"), resamples))
    return Interval(mean, _quantile(means, 0.025), _quantile(means, 0.975))


def _resampled_means(answers: list[int], rng: random.Random, resamples: int) -> list[float]:
    """The means of ``resamples`` bootstrap resamples of the answers (see ``challenge_interval``)."""
    n = len(answers)
    counts = Counter(answers)
    means = []
    for _ in range(resamples):
        left, share_left, total = n, 1.0, 0
        for point in SCALE:
            share = counts.get(point, 0) / n
            if left == 0:
                break
            if point == SCALE[-1] or share >= share_left:
                drawn = left
            else:
                drawn = rng.binomialvariate(left, share / share_left) if share else 0
            total += point * drawn
            left -= drawn
            share_left -= share
        means.append(total / n)
    return means


def _quantile(ordered: list[float], q: float) -> float:
    """Linear interpolation between the two nearest order statistics."""
    position = q * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class RoundFigures:
    round: int
    people: int
    groups: int
    met_groups: int
    checked_in: int
    published: int
    challenge: list[int]  # the answers of members who met, in order
    challenge_interval: Interval | None
    not_met_reasons: dict[str, int]
    new_org_links: int
    org_links_so_far: int


def _by_round(meetings: list[Meeting]) -> dict[int, list[Meeting]]:
    rounds: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        rounds[meeting.round].append(meeting)
    return dict(sorted(rounds.items()))


def groups_that_met(meetings: list[Meeting]) -> set[tuple[int, int]]:
    return {(m.round, m.group) for m in meetings if m.met == "yes"}


def org_links(meetings: list[Meeting]) -> dict[int, set[tuple[str, str]]]:
    """Per round, the unordered pairs of different organisations together in a group that met."""
    met = groups_that_met(meetings)
    organisations: dict[tuple[int, int], set[str]] = defaultdict(set)
    for m in meetings:
        if (m.round, m.group) in met and organisation_key(m.organisation):
            organisations[(m.round, m.group)].add(organisation_key(m.organisation))
    links: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for (number, _group), orgs in organisations.items():
        links[number].update(combinations(sorted(orgs), 2))
    return links


def round_figures(meetings: list[Meeting], *, seed: int | str = 0, rounds: Iterable[int] = ()) -> list[RoundFigures]:
    """Every drawn round's figures, oldest first: those in the rows, and ``rounds`` too (a drawn round
    nobody was in has figures of zero). ``seed`` (with the round number) seeds each interval."""
    links = org_links(meetings)
    met = groups_that_met(meetings)
    seen: set[tuple[str, str]] = set()
    figures = []
    by_round = _by_round(meetings)
    for number in sorted(set(by_round) | set(rounds)):
        rows = by_round.get(number, [])
        new = links.get(number, set()) - seen
        seen |= links.get(number, set())
        challenge = [m.challenge for m in rows if m.met == "yes" and m.challenge is not None]
        figures.append(RoundFigures(
            round=number,
            people=len({m.person for m in rows}),
            groups=len({m.group for m in rows}),
            met_groups=len({m.group for m in rows if (number, m.group) in met}),
            checked_in=sum(1 for m in rows if m.met),
            published=sum(1 for m in rows if m.published or m.learning),
            challenge=challenge,
            challenge_interval=challenge_interval(challenge, seed=f"{seed}:{number}"),
            not_met_reasons=dict(Counter(m.not_met_reason or "unsaid" for m in rows if m.met == "no")),
            new_org_links=len(new),
            org_links_so_far=len(seen),
        ))
    return figures


def share_who_met_another_organisation(meetings: list[Meeting]) -> tuple[int, int]:
    """(members who met someone from another organisation, members ever grouped): "met" as a group met;
    erased members left out of both, as their seats cannot be linked."""
    met = groups_that_met(meetings)
    organisations: dict[tuple[int, int], set[str]] = defaultdict(set)
    for m in meetings:
        organisations[(m.round, m.group)].add(organisation_key(m.organisation))
    known = [m for m in meetings if not m.person.startswith(ERASED)]
    everyone = {m.person for m in known}
    bridged = {m.person for m in known
               if (m.round, m.group) in met and organisations[(m.round, m.group)] - {organisation_key(m.organisation)}}
    return len(bridged), len(everyone)


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    joined: int
    left: int
    members: int  # in the programme at the month's end: joined by then and not left
    paused: int  # of those, paused at the month's end
    active: int  # members less paused


@dataclass(frozen=True)
class Joining:
    """One membership's days: joined (confirmed), left, and its latest pause's start and end, if any."""

    joined: date
    left: date | None = None
    paused: date | None = None
    resumed: date | None = None


def growth(memberships: list[Joining], *, until: date) -> list[Month]:
    """Per month from the first joining to ``until``: who joined, who left, members at its end, and of those
    how many were paused and how many active. A membership's latest pause is known (its start and, once
    over, its end); earlier pauses are not kept, so a month long past can count fewer paused than it had."""
    if not memberships:
        return []
    first = min(m.joined for m in memberships)
    month, months = first.replace(day=1), []
    while month <= until:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        members = [m for m in memberships if m.joined < following and (m.left is None or m.left >= following)]
        paused = sum(1 for m in members if m.paused is not None and m.paused < following
                     and (m.resumed is None or m.resumed < m.paused or m.resumed >= following))
        months.append(Month(
            month=month,
            joined=sum(1 for m in memberships if month <= m.joined < following),
            left=sum(1 for m in memberships if m.left is not None and month <= m.left < following),
            members=len(members), paused=paused, active=len(members) - paused,
        ))
        month = following
    return months


# --- The experiment: random against similar -------------------------------------------------------------


@dataclass(frozen=True)
class ArmFigures:
    arm: str
    challenge: list[int]  # answers of members who met, in this arm
    interval: Interval | None
    groups: int
    met_groups: int


@dataclass(frozen=True)
class ArmComparison:
    random: ArmFigures
    similar: ArmFigures
    difference: Interval | None  # similar minus random, with its 95% bootstrap interval
    reading: str


def arm_comparison(meetings: list[Meeting], *, seed: int | str = 0,
                   resamples: int = BOOTSTRAP_RESAMPLES) -> ArmComparison | None:
    """The experiment's two arms compared: the mean "challenged my thinking" of each (members who met), the
    difference with a 95% percentile-bootstrap interval (each arm resampled on its own), and each arm's
    share of groups that met, with a reading in plain words. None if no round ran the experiment."""
    rows = [m for m in meetings if m.arm in ("random", "similar")]
    if not rows:
        return None
    met = groups_that_met(rows)
    arms = {}
    for arm in ("random", "similar"):
        mine = [m for m in rows if m.arm == arm]
        answers = [m.challenge for m in mine if m.met == "yes" and m.challenge is not None]
        groups = {(m.round, m.group) for m in mine}
        arms[arm] = ArmFigures(arm, answers, challenge_interval(answers, seed=f"{seed}:{arm}"), len(groups),
                               len(groups & met))
    first, second = arms["random"].challenge, arms["similar"].challenge
    if len(first) < FEWEST_FOR_AN_INTERVAL or len(second) < FEWEST_FOR_AN_INTERVAL:
        return ArmComparison(arms["random"], arms["similar"], None,
                             "Not enough answers yet: each half needs at least two members who met and said.")
    few = min(arms["random"].met_groups, arms["similar"].met_groups) < FEWEST_GROUPS_FOR_EVIDENCE
    rng = random.Random(f"difference:{seed}")
    base, similar = _resampled_means(first, rng, resamples), _resampled_means(second, rng, resamples)
    differences = sorted(s - r for s, r in zip(similar, base, strict=True))
    difference = Interval(sum(second) / len(second) - sum(first) / len(first), _quantile(differences, 0.025),
                          _quantile(differences, 0.975))
    span = f"{difference.mean:+.2f} points on the 1 to 5 scale (95% interval {difference.low:+.2f} to {difference.high:+.2f})"
    if few:
        reading = (f"Not enough evidence yet: each half needs at least {FEWEST_GROUPS_FOR_EVIDENCE} groups that met "
                   f"before a difference means much ({span}).")
    elif difference.low > 0 or difference.high < 0:
        more = "more" if difference.mean > 0 else "less"
        reading = (f"Members matched by what they have in common said their thinking was challenged {more} than "
                   f"members matched at random: {span}.")
    else:
        reading = (f"Not enough evidence yet of a difference between the two halves: {span}, an interval that "
                   "includes zero (no difference).")
    return ArmComparison(arms["random"], arms["similar"], difference, reading)
