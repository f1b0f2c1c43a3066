"""The "similar" objective: people grouped with those they have most in common with, under the draw's rules."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmentoring.matching import MatchingError, PastMeeting, group_sizes
from unmentoring.matching.affinity import Profile, affinity, match_similar, topic_words


def p(pid, role="", topics="", org=""):
    return Profile(id=pid, organisation=org or f"org-{pid}", role=role, topics=topic_words(topics))


def test_what_people_have_in_common():
    assert topic_words("Open data, and moving off LEGACY systems!") == {"open", "data", "moving", "legacy", "systems"}
    assert topic_words("the work with them") == frozenset()  # stop words and short words share nothing
    assert affinity(p("a", "User researcher", "open data"), p("b", " user  Researcher ", "data ethics")) == 3
    assert affinity(p("a", "Developer"), p("b", "Designer")) == 0


def test_people_with_most_in_common_are_grouped_together():
    people = [p("a", "Developer", "legacy systems"), p("b", "Designer", "accessibility audits"),
              p("c", "Developer", "legacy systems"), p("d", "Designer", "accessibility audits")]
    grouping = match_similar(people, seed=1)
    assert sorted(g.members for g in grouping.groups) == [("a", "c"), ("b", "d")]
    assert all("in common" in g.explanation for g in grouping.groups)


def test_a_block_is_never_broken_even_for_the_most_in_common():
    people = [p("a", "Developer", "legacy"), p("b", "Developer", "legacy"), p("c", "Designer"), p("d", "Analyst")]
    grouping = match_similar(people, blocked=[("a", "b")], seed=3)
    assert ("a", "b") not in [g.members for g in grouping.groups]


def test_a_repeat_is_avoided_when_it_can_be():
    people = [p("a", "Developer", "legacy"), p("b", "Developer", "legacy"), p("c", "Developer"), p("d", "Developer")]
    grouping = match_similar(people, history=[PastMeeting(1, "a", "b")], seed=2)
    assert grouping.repeat_pairs == 0


def test_the_same_seed_gives_the_same_groups_and_odd_numbers_make_one_trio():
    people = [p(str(i), ["Developer", "Designer"][i % 2], ["open data", "procurement", ""][i % 3]) for i in range(11)]
    first, again = match_similar(people, seed=7), match_similar(people, seed=7)
    assert first == again
    assert sorted(len(g.members) for g in first.groups) == [2, 2, 2, 2, 3]


def test_too_few_people_is_a_clear_error():
    with pytest.raises(MatchingError):
        match_similar([p("a")], seed=1)
    with pytest.raises(MatchingError, match="more than once"):
        match_similar([p("a"), p("a")], seed=1)


ROLES = ["Developer", "Designer", "Analyst", ""]
WORDS = ["open data", "legacy systems", "accessibility", "procurement", ""]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=30), st.integers(min_value=2, max_value=3), st.integers(0, 2**31),
       st.data())
def test_everyone_is_placed_once_in_groups_of_the_right_sizes_and_no_block_is_broken(n, size, seed, data):
    people = [p(f"p{i}", ROLES[data.draw(st.integers(0, 3))], WORDS[data.draw(st.integers(0, 4))],
                org=f"o{data.draw(st.integers(0, 3))}") for i in range(n)]
    blocked = [(f"p{a}", f"p{b}") for a, b in combinations(range(n), 2) if (a * 7 + b) % 11 == 0][:3]
    try:
        grouping = match_similar(people, blocked=blocked, group_size=size, seed=seed)
    except MatchingError:
        return  # blocks can make some small instances impossible, as for the ordinary draw
    placed = [m for g in grouping.groups for m in g.members]
    assert sorted(placed) == sorted(x.id for x in people)
    assert sorted(len(g.members) for g in grouping.groups) == sorted(group_sizes(n, size))
    assert not {frozenset(b) for b in blocked} & {frozenset(pair) for g in grouping.groups
                                                 for pair in combinations(g.members, 2)}


def test_the_greedy_never_groups_a_pair_who_met_when_the_engine_can_avoid_it():
    from unmentoring.matching import Participant, match  # noqa: PLC0415  (the ordinary engine, to compare)

    people = [p(f"p{i}", "Developer", "legacy systems") for i in range(7)]
    history = [PastMeeting(1, "p0", f"p{i}") for i in range(1, 6)]
    ordinary = match([Participant(x.id, x.organisation) for x in people], history=history, seed=4)
    assert match_similar(people, history=history, seed=4).repeat_pairs <= ordinary.repeat_pairs == 0
