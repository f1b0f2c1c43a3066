"""k = 2: the engine's repeat and same-organisation counts equal an exact optimum.

Even counts are compared with networkx's maximum-weight matching on
lexicographic weights; small odd counts (one trio) with exhaustive search.
"""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmentoring.matching import MatchingError, Participant, PastMeeting, match


def make_instance(n, rounds, orgs, dominant, blocks, seed):
    rng = random.Random(seed)
    ids = [f"p{i:02d}" for i in range(n)]
    people = []
    for i in ids:
        if dominant and rng.random() < dominant:
            people.append(Participant(i, "Big"))
        else:
            people.append(Participant(i, f"org{rng.randrange(orgs)}"))
    history = []
    for r in range(1, rounds + 1):
        order = ids[:]
        rng.shuffle(order)
        for a, b in zip(order[::2], order[1::2], strict=False):
            history.append(PastMeeting(r, a, b))
    pairs = list(itertools.combinations(ids, 2))
    blocked = rng.sample(pairs, blocks)
    return people, history, blocked


def facts(people, history):
    org = {p.id: p.organisation for p in people}
    last = {}
    for m in history:
        key = frozenset((m.a, m.b))
        last[key] = max(last.get(key, m.round), m.round)
    # recency rank: 1 for the oldest round in the history file, R for the newest
    rank = {r: i + 1 for i, r in enumerate(sorted({m.round for m in history}))}
    return org, {k: rank[r] for k, r in last.items()}


def score(groups, people, history):
    """(repeats, sum of recency ranks of repeats, same-organisation pairs)."""
    org, met = facts(people, history)
    rep = rec = same = 0
    for g in groups:
        for a, b in itertools.combinations(g, 2):
            key = frozenset((a, b))
            if key in met:
                rep += 1
                rec += met[key]
            same += org[a] == org[b] and org[a] != ""
    return rep, rec, same


def networkx_optimum(people, history, blocked):
    org, met = facts(people, history)
    ids = [p.id for p in people]
    n = len(ids)
    rmax = max(met.values(), default=0)
    org_unit, rank_unit = 1, n + 1
    met_unit = rank_unit * (rmax * n + 1)
    top = (met_unit + rank_unit * rmax + org_unit) * n + 1
    banned = {frozenset(b) for b in blocked}
    graph = nx.Graph()
    for a, b in itertools.combinations(ids, 2):
        key = frozenset((a, b))
        if key in banned:
            continue
        cost = (met_unit + rank_unit * met[key] if key in met else 0) + org_unit * (org[a] == org[b])
        graph.add_edge(a, b, weight=top - cost)
    pairs = nx.max_weight_matching(graph, maxcardinality=True)
    if 2 * len(pairs) < n:
        return None
    return score(pairs, people, history)


def brute_force_optimum(people, history, blocked):
    """Best score over every grouping into pairs and one trio (small odd n)."""
    org, met = facts(people, history)
    banned = {frozenset(b) for b in blocked}
    ids = [p.id for p in people]
    best = None

    def pairings(rest):
        if not rest:
            yield []
            return
        first = rest[0]
        for j in range(1, len(rest)):
            for tail in pairings(rest[1:j] + rest[j + 1 :]):
                yield [(first, rest[j]), *tail]

    for trio in itertools.combinations(ids, 3):
        rest = [i for i in ids if i not in trio]
        for pairs in pairings(rest):
            groups = [trio, *pairs]
            if any(frozenset(p) in banned for g in groups for p in itertools.combinations(g, 2)):
                continue
            s = score(groups, people, history)
            if best is None or s < best:
                best = s
    return best


HARD = [
    # (n, rounds, orgs, dominant share, blocks): exhausted networks and dominant organisations
    (10, 9, 3, 0, 0),
    (12, 11, 4, 0, 2),
    (14, 16, 3, 0, 3),
    (16, 14, 2, 0.6, 0),
    (20, 25, 5, 0, 4),
    (24, 30, 4, 0.55, 2),
    (30, 29, 6, 0.7, 5),
    (40, 45, 8, 0, 6),
    (60, 70, 5, 0.6, 10),
    (120, 140, 10, 0.5, 20),
]


@pytest.mark.parametrize(("n", "rounds", "orgs", "dominant", "blocks"), HARD)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pairs_match_an_exact_maximum_weight_matching_on_hard_instances(n, rounds, orgs, dominant, blocks, seed):
    people, history, blocked = make_instance(n, rounds, orgs, dominant, blocks, seed)
    reference = networkx_optimum(people, history, blocked)
    grouping = match(people, history=history, blocked=blocked, seed=seed)
    assert score([g.members for g in grouping.groups], people, history) == reference
    assert grouping.optimal


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 14).map(lambda h: 2 * h),
    rounds=st.integers(0, 30),
    orgs=st.integers(1, 5),
    dominant=st.sampled_from([0, 0.5, 0.8]),
    blocks=st.integers(0, 8),
    seed=st.integers(0, 10**6),
)
def test_pairs_match_an_exact_maximum_weight_matching_on_random_instances(n, rounds, orgs, dominant, blocks, seed):
    people, history, blocked = make_instance(n, rounds, orgs, dominant, min(blocks, n * (n - 1) // 2), seed)
    reference = networkx_optimum(people, history, blocked)
    if reference is None:
        with pytest.raises(MatchingError):
            match(people, history=history, blocked=blocked, seed=seed)
        return
    grouping = match(people, history=history, blocked=blocked, seed=seed)
    assert score([g.members for g in grouping.groups], people, history) == reference


@pytest.mark.parametrize("n", [5, 7, 9])
@pytest.mark.parametrize("seed", range(6))
def test_odd_counts_match_exhaustive_search(n, seed):
    people, history, blocked = make_instance(n, rounds=seed * 2, orgs=3, dominant=0.5 if seed % 2 else 0, blocks=seed % 3, seed=seed)
    reference = brute_force_optimum(people, history, blocked)
    if reference is None:
        with pytest.raises(MatchingError):
            match(people, history=history, blocked=blocked, seed=seed)
        return
    grouping = match(people, history=history, blocked=blocked, seed=seed)
    assert score([g.members for g in grouping.groups], people, history) == reference
