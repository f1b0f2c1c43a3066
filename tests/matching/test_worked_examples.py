"""Worked examples with known best answers, and the explanations people read."""

from __future__ import annotations

import itertools

import pytest

from unmentoring.matching import MatchingError, Participant, PastMeeting, match


def people(spec: str) -> list[Participant]:
    """'a:X b:Y' -> participants a (organisation X) and b (organisation Y)."""
    return [Participant(*item.split(":")) for item in spec.split()]


def test_two_people_from_different_organisations_meet_for_the_first_time():
    grouping = match(people("ann:DfE bob:HMRC"), seed=1)
    assert [(g.members, g.explanation) for g in grouping.groups] == [
        (("ann", "bob"), "first meeting; different organisations")
    ]
    assert grouping.optimal


def test_the_only_grouping_without_repeats_is_found():
    history = [PastMeeting(1, "a", "b"), PastMeeting(1, "c", "d"), PastMeeting(2, "a", "c"), PastMeeting(2, "b", "d")]
    for seed in range(20):
        grouping = match(people("a:1 b:2 c:3 d:4"), history=history, seed=seed)
        assert sorted(g.members for g in grouping.groups) == [("a", "d"), ("b", "c")]


def test_an_exhausted_network_repeats_the_least_recent_pairs():
    # four people who have met everyone: rounds 1 (ab, cd), 2 (ac, bd), 3 (ad, bc)
    history = [
        PastMeeting(1, "a", "b"), PastMeeting(1, "c", "d"),
        PastMeeting(2, "a", "c"), PastMeeting(2, "b", "d"),
        PastMeeting(3, "a", "d"), PastMeeting(3, "b", "c"),
    ]
    grouping = match(people("a:1 b:2 c:3 d:4"), history=history, seed=7)
    assert [(g.members, g.explanation) for g in grouping.groups] == [
        (("a", "b"), "you met in round 1 — the least recent repeat available; different organisations"),
        (("c", "d"), "you met in round 1 — the least recent repeat available; different organisations"),
    ]
    assert grouping.repeat_pairs == 2
    assert grouping.optimal


def test_a_repeat_beats_a_same_organisation_pair_only_when_the_rules_say_so():
    # the only groupings without a repeat pair colleagues: repeats are avoided first
    history = [PastMeeting(1, "a", "b"), PastMeeting(1, "c", "d"), PastMeeting(2, "a", "d"), PastMeeting(2, "b", "c")]
    grouping = match(people("a:X b:Y c:X d:Y"), history=history, seed=3)
    assert sorted(g.members for g in grouping.groups) == [("a", "c"), ("b", "d")]
    assert grouping.same_org_pairs == 2
    assert grouping.groups[0].explanation == "first meeting; both from X — unavoidable this round"


def test_a_dominant_organisation_is_paired_out_as_far_as_possible():
    # 6 of 8 people from one organisation: at least 2 same-organisation pairs
    spec = " ".join([f"big{i}:Big" for i in range(6)] + ["s1:S1", "s2:S2"])
    for seed in range(10):
        grouping = match(people(spec), seed=seed)
        assert grouping.same_org_pairs == grouping.same_org_lower_bound == 2
        for g in grouping.groups:
            if any(m.startswith("s") for m in g.members):
                assert any(m.startswith("big") for m in g.members)


def test_allow_policy_ignores_organisations():
    grouping = match(people("a:X b:X"), seed=1, same_org="allow")
    assert grouping.same_org_pairs == 0
    assert grouping.groups[0].explanation == "first meeting; both from X"


def test_odd_count_makes_exactly_one_trio_and_it_rotates():
    ids = people("a:1 b:2 c:3 d:4 e:5 f:6 g:7")
    last_round = [(("a", "b", "c")), ("d", "e"), ("f", "g")]
    history = [PastMeeting(4, x, y) for group in last_round for x, y in itertools.combinations(group, 2)]
    for seed in range(30):
        grouping = match(ids, history=history, seed=seed)
        assert sorted(len(g.members) for g in grouping.groups) == [2, 2, 3]
        (trio,) = [g for g in grouping.groups if len(g.members) == 3]
        assert "a group of 3" in trio.explanation
        assert grouping.repeat_pairs == 0
        # every repeat-free trio needs one of a, b, c; never more than one
        assert sum(m in {"a", "b", "c"} for m in trio.members) == 1


def test_extra_seats_go_to_people_who_did_not_have_one_last_time():
    ids = [f"p{i:02d}" for i in range(21)]
    # last round: p00-p02 formed the trio
    history = [PastMeeting(9, a, b) for a, b in itertools.combinations(ids[:3], 2)]
    for seed in range(30):
        grouping = match([Participant(i, "") for i in ids], history=history, seed=seed)
        (trio,) = [g for g in grouping.groups if len(g.members) == 3]
        assert not set(trio.members) & set(ids[:3])


def test_blocks_that_leave_someone_no_partner_name_them():
    blocked = [("a", "b"), ("a", "c"), ("a", "d")]
    with pytest.raises(MatchingError, match="'a'"):
        match(people("a:1 b:2 c:3 d:4"), blocked=blocked, seed=1)


def test_blocked_pair_inside_the_only_possible_group_is_an_error():
    with pytest.raises(MatchingError, match="'a', 'b'"):
        match(people("a:1 b:2 c:3"), blocked=[("a", "b")], seed=1, group_size=5)


@pytest.mark.parametrize(
    ("participants", "kwargs", "message"),
    [
        ([], {}, "at least 2 eligible people"),
        (people("a:1"), {}, "at least 2 eligible people"),
        (people("a:1 a:2"), {}, "appears more than once"),
        (people("a:1 b:2"), {"history": [PastMeeting(1, "a", "z")]}, "'z', who is not a participant"),
        (people("a:1 b:2"), {"history": [PastMeeting(1, "a", "a")]}, "with themselves"),
        (people("a:1 b:2"), {"blocked": [("a", "q")]}, "'q', who is not a participant"),
        (people("a:1 b:2"), {"group_size": 6}, "between 2 and 5"),
        (people("a:1 b:2"), {"same_org": "prefer"}, "'avoid' or 'allow'"),
        (people("a:1 b:2"), {"seed": -1}, "seed"),
    ],
)
def test_bad_inputs_raise_a_readable_matching_error(participants, kwargs, message):
    with pytest.raises(MatchingError, match=message):
        match(participants, **{"seed": 1, **kwargs})


def test_groups_of_three_to_five_spread_a_dominant_organisation():
    spec = " ".join([f"big{i}:Big" for i in range(10)] + [f"o{i}:O{i}" for i in range(10)])
    for k in (3, 4, 5):
        grouping = match(people(spec), seed=k, group_size=k)
        assert grouping.same_org_pairs == grouping.same_org_lower_bound
        assert grouping.optimal
