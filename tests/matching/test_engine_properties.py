"""Hypothesis properties of the engine: hard rules always hold, same seed same output."""

from __future__ import annotations

import itertools
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmentoring.matching import MatchingError, Participant, PastMeeting, group_sizes, match


@st.composite
def instances(draw, max_n=36):
    n = draw(st.integers(2, max_n))
    orgs = draw(st.integers(1, 6))
    ids = [f"id{i:03d}" for i in range(n)]
    people = [Participant(i, draw(st.sampled_from(["", *(f"org{j}" for j in range(orgs))]))) for i in ids]
    rng = random.Random(draw(st.integers(0, 2**32)))
    history = []
    for r in range(1, draw(st.integers(0, 12)) + 1):
        order = ids[:]
        rng.shuffle(order)
        for a, b in zip(order[::2], order[1::2], strict=False):
            history.append(PastMeeting(r, a, b))
    pairs = list(itertools.combinations(ids, 2))
    blocked = rng.sample(pairs, min(len(pairs), draw(st.integers(0, 6))))
    return dict(
        participants=people,
        history=history,
        blocked=blocked,
        group_size=draw(st.integers(2, 5)),
        same_org=draw(st.sampled_from(["avoid", "allow"])),
        seed=draw(st.integers(0, 2**32)),
    )


SETTINGS = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_draw_puts_everyone_in_exactly_one_group_of_a_valid_size(inst):
    try:
        grouping = match(**inst)
    except MatchingError:
        return  # covered by the blocked-pair property below
    members = [m for g in grouping.groups for m in g.members]
    assert sorted(members) == sorted(p.id for p in inst["participants"])
    sizes = sorted((len(g.members) for g in grouping.groups), reverse=True)
    assert sizes == group_sizes(len(members), inst["group_size"])


@SETTINGS
@given(instances())
def test_draw_never_groups_blocked_pairs(inst):
    try:
        grouping = match(**inst)
    except MatchingError as exc:
        # only ever when the blocks make it impossible, and the message names someone
        assert inst["blocked"]
        assert "'" in str(exc)
        return
    blocked = {frozenset(p) for p in inst["blocked"]}
    for g in grouping.groups:
        for pair in itertools.combinations(g.members, 2):
            assert frozenset(pair) not in blocked


@SETTINGS
@given(instances(max_n=24))
def test_same_seed_and_inputs_give_the_same_groups_whatever_the_input_order(inst):
    try:
        first = match(**inst)
    except MatchingError:
        return
    shuffled = dict(inst)
    rng = random.Random(7)
    shuffled["participants"] = rng.sample(inst["participants"], len(inst["participants"]))
    shuffled["history"] = rng.sample(inst["history"], len(inst["history"]))
    shuffled["blocked"] = [(b, a) for a, b in inst["blocked"]]
    assert match(**shuffled) == first
    assert match(**inst) == first


@SETTINGS
@given(instances())
def test_same_org_pairs_never_fall_below_the_lower_bound_and_reach_it_without_history(inst):
    try:
        grouping = match(**inst)
    except MatchingError:
        return
    assert grouping.same_org_pairs >= grouping.same_org_lower_bound
    if not inst["history"] and not inst["blocked"] and inst["group_size"] == 2:
        assert grouping.same_org_pairs == grouping.same_org_lower_bound
        assert grouping.optimal
    if not inst["history"]:
        assert grouping.repeat_pairs == 0
