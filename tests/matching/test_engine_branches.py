"""Engine branches the rest of the suite does not reach on its own: the sparse exact solver (more than
DENSE_LIMIT people), the k = 3..5 rule for who takes the extra seats, and the k = 2 fast path by itself."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.matching.test_optimality import make_instance, networkx_optimum, score
from unmentoring.matching import Participant, PastMeeting, engine, match
from unmentoring.matching.api import index_inputs


def test_a_200_person_draw_with_history_and_a_dominant_organisation_is_exactly_optimal(monkeypatch):
    people, history, blocked = make_instance(200, rounds=60, orgs=6, dominant=0.55, blocks=30, seed=11)
    calls = []
    real = engine._exact_matching
    monkeypatch.setattr(engine, "_exact_matching", lambda prob, people_, *a, **k: calls.append(len(people_)) or real(prob, people_, *a, **k))
    grouping = match(people, history=history, blocked=blocked, seed=3)
    assert calls and calls[0] == 200 > engine.DENSE_LIMIT  # the sparse exact solver ran
    assert score([g.members for g in grouping.groups], people, history) == networkx_optimum(people, history, blocked)
    assert grouping.optimal


@pytest.mark.parametrize("seed", range(40))
def test_with_groups_of_three_nobody_who_had_an_extra_seat_last_round_gets_one_again(seed):
    ids = [f"p{i:02d}" for i in range(16)]  # 16 people, k = 3: one group of 4 and four of 3
    people = [Participant(i, f"org{n}") for n, i in enumerate(ids)]
    last_four = ids[:4]  # last round's group of four
    history = [PastMeeting(1, a, b) for a, b in itertools.combinations(last_four, 2)]
    assert engine.group_sizes(16, 3) == [4, 3, 3, 3, 3]
    grouping = match(people, history=history, group_size=3, seed=seed)
    [four] = [g.members for g in grouping.groups if len(g.members) == 4]
    assert not set(four) & set(last_four)
    assert grouping.repeat_pairs == 0


# Sizes where the fast path is the whole answer (above EXACT_LIMIT nothing exact backs it up) or usually is.
@pytest.mark.parametrize(("n", "orgs", "rounds", "seed"), [(1000, 10, 0, 1), (3001, 25, 3, 2), (5000, 40, 2, 3), (20000, 100, 6, 5)])
def test_the_k2_fast_path_alone_reaches_the_bounds_on_instances_it_should(n, orgs, rounds, seed):
    rng = np.random.default_rng(seed)
    ids = [f"p{i:05d}" for i in range(n)]
    people = [Participant(i, f"org{int(rng.integers(orgs))}") for i in ids]
    history = []
    for r in range(1, rounds + 1):
        order = rng.permutation(n)
        history += [PastMeeting(r, ids[a], ids[b]) for a, b in zip(order[::2], order[1::2], strict=False)]
    data = index_inputs(people, history, [], 2, "avoid")
    prob = data.problem
    gid = engine._fast_pairs(prob, np.random.default_rng(seed))
    blocked, repeats, _recency, same, _extra = engine.evaluate(prob, gid)
    sizes = np.bincount(gid)
    assert (blocked, repeats, same) == (0, 0, engine.same_org_bound(prob, engine.group_sizes(n, 2)))
    assert sorted(set(sizes.tolist())) == ([2, 3] if n % 2 else [2])
