"""The evidence's arithmetic on hand-made rows, checked against values worked out by hand."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmentoring.insights.figures import (
    Joining,
    Meeting,
    arm_comparison,
    challenge_interval,
    growth,
    org_links,
    round_figures,
    share_who_met_another_organisation,
)


def m(round, group, person, org, met="", reason="", challenge=None, learning="", arm=""):
    return Meeting(round=round, group=group, person=person, organisation=org, met=met, not_met_reason=reason,
                   challenge=challenge, learning=learning, arm=arm)


# Round 1: a pair that met (A, B), a trio where one said yes (C, D, E), a pair that did not meet (F, G).
# Round 2: nobody answered, except a "planned". Round 3: the A–B organisations meet again (no new link),
# plus a new pair of organisations; an erased member's seat ("x1") still counts.
ROWS = [
    m(1, 1, "A", "Leeds", "yes", challenge=4, learning="Ask why twice."), m(1, 1, "B", "Hackney", "yes", challenge=2),
    m(1, 2, "C", "Leeds", "yes", challenge=5), m(1, 2, "D", "NHS Digital", "no", "cancelled"), m(1, 2, "E", "GDS"),
    m(1, 3, "F", "GDS", "no", "no_reply"), m(1, 3, "G", " leeds "),
    m(2, 1, "A", "Leeds", "planned"), m(2, 1, "D", "NHS Digital"),
    m(3, 1, "B", "HACKNEY", "yes", challenge=3), m(3, 1, "x1", "leeds"),
    m(3, 2, "C", "Leeds", "yes", challenge=3), m(3, 2, "F", "GDS", "yes"),
]


def test_each_rounds_figures_by_hand():
    first, second, third = round_figures(ROWS, seed=7)
    assert (first.round, first.people, first.groups, first.met_groups, first.checked_in, first.published) == \
        (1, 7, 3, 2, 5, 1)
    assert first.challenge == [4, 2, 5] and first.challenge_interval.mean == pytest.approx(11 / 3)
    assert first.not_met_reasons == {"cancelled": 1, "no_reply": 1}
    # Met groups: {leeds, hackney} and {leeds, nhs digital, gds}: 1 + 3 pairs, all new.
    assert (first.new_org_links, first.org_links_so_far) == (4, 4)
    assert (second.people, second.groups, second.met_groups, second.checked_in, second.challenge) == (2, 1, 0, 1, [])
    assert second.challenge_interval is None and (second.new_org_links, second.org_links_so_far) == (0, 4)
    # Round 3: hackney–leeds again (spelt differently: not new), gds–leeds seen in round 1 (not new).
    assert (third.people, third.met_groups, third.new_org_links, third.org_links_so_far) == (4, 2, 0, 4)
    assert third.challenge == [3, 3]  # F met but gave no score


def test_a_new_link_is_new_only_the_first_round_it_meets():
    rows = [m(1, 1, "A", "X"), m(1, 1, "B", "Y", "no"),  # X–Y together but did not meet: not a link yet
            m(2, 1, "A", "X", "yes"), m(2, 1, "C", "Y"),
            m(3, 1, "B", "Y", "yes"), m(3, 1, "D", "x ")]
    assert [f.new_org_links for f in round_figures(rows)] == [0, 1, 0]
    assert org_links(rows) == {2: {("x", "y")}, 3: {("x", "y")}}


def test_a_group_of_one_organisation_makes_no_link_and_an_empty_organisation_none():
    rows = [m(1, 1, "A", "Leeds", "yes"), m(1, 1, "B", "LEEDS"), m(1, 2, "C", "", "yes"), m(1, 2, "D", "GDS")]
    assert round_figures(rows)[0].new_org_links == 0


def test_who_met_someone_from_another_organisation():
    # Met across organisations: A, B (round 1), C, D, E (the trio met, C said yes), B again, x1, C, F.
    # Not: F and G in round 1 (did not meet); D in round 2 (nobody met).
    assert share_who_met_another_organisation(ROWS) == (7, 8)


def test_no_rows_no_figures():
    assert round_figures([]) == [] and share_who_met_another_organisation([]) == (0, 0)


def test_the_interval_is_none_without_answers_and_absent_below_two():
    assert challenge_interval([], seed=1) is None
    one = challenge_interval([4], seed=1)
    assert (one.mean, one.low, one.high) == (4, None, None)


def test_the_interval_of_identical_answers_is_that_answer():
    same = challenge_interval([3] * 12, seed=1)
    assert (same.mean, same.low, same.high) == (3, 3, 3)


def test_the_interval_is_reproducible_contains_the_mean_and_narrows_as_answers_grow():
    answers = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5]
    a, b = challenge_interval(answers, seed="r1"), challenge_interval(answers, seed="r1")
    assert a == b
    assert a.low < a.mean < a.high and 1 <= a.low and a.high <= 5
    wide, narrow = challenge_interval(answers, seed=3), challenge_interval(answers * 20, seed=3)
    assert narrow.mean == pytest.approx(wide.mean)
    assert (narrow.high - narrow.low) < (wide.high - wide.low) / 3  # about sqrt(20) narrower


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=60), st.integers())
def test_the_interval_always_lies_on_the_scale_and_around_the_mean(answers, seed):
    found = challenge_interval(answers, seed=seed, resamples=300)
    assert 1 <= found.low <= found.mean + 1e-9 and found.mean - 1e-9 <= found.high <= 5


def test_growth_per_month_by_hand():
    people = [Joining(date(2026, 9, 3)), Joining(date(2026, 9, 30), left=date(2026, 11, 1)),
              Joining(date(2026, 11, 15), paused=date(2026, 11, 20)),  # paused still
              Joining(date(2026, 9, 10), paused=date(2026, 10, 2), resumed=date(2026, 10, 20)),  # paused and back within October
              Joining(date(2026, 9, 12), paused=date(2026, 9, 20), resumed=date(2026, 9, 1)),  # an older resume
              Joining(date(2026, 11, 20), left=date(2026, 11, 25))]
    months = growth(people, until=date(2026, 12, 1))
    assert [(x.month, x.joined, x.left, x.members, x.paused, x.active) for x in months] == [
        (date(2026, 9, 1), 4, 0, 4, 1, 3), (date(2026, 10, 1), 0, 0, 4, 1, 3), (date(2026, 11, 1), 2, 2, 4, 2, 2),
        (date(2026, 12, 1), 0, 0, 4, 2, 2)]
    assert growth([], until=date(2026, 12, 1)) == []


def test_an_erased_members_seats_are_people_in_their_round_but_not_members_across_rounds():
    rows = [m(1, 1, "P0001", "A", "yes"), m(1, 1, "X0001", "B"), m(2, 1, "P0001", "A", "yes"), m(2, 1, "X0002", "B")]
    assert [f.people for f in round_figures(rows)] == [2, 2]
    assert share_who_met_another_organisation(rows) == (1, 1)


def _arm_rows(random_scores, similar_scores, *, met_random=None):
    rows = []
    for i, score in enumerate(random_scores):
        rows += [m(1, i, f"r{i}", "X", "yes", challenge=score, arm="random"), m(1, i, f"r{i}b", "Y", arm="random")]
    for i, score in enumerate(similar_scores):
        rows += [m(1, 100 + i, f"s{i}", "X", "yes", challenge=score, arm="similar"),
                 m(1, 100 + i, f"s{i}b", "Y", arm="similar")]
    if met_random:
        rows += [m(1, 50, "rn", "X", "no", "no_time", arm="random"), m(1, 50, "rn2", "Y", arm="random")]
    return rows


def test_without_an_experiment_there_is_nothing_to_compare():
    assert arm_comparison(ROWS) is None


def test_the_arms_compared_by_hand():
    found = arm_comparison(_arm_rows([2, 3, 4], [4, 5, 3], met_random=True), seed=1)
    assert (found.random.challenge, found.similar.challenge) == ([2, 3, 4], [4, 5, 3])
    assert (found.random.groups, found.random.met_groups, found.similar.groups, found.similar.met_groups) == (4, 3, 3, 3)
    assert found.difference.mean == pytest.approx(1.0)
    assert found.difference.low <= 1.0 <= found.difference.high


def test_a_clear_difference_is_read_as_one_and_a_small_sample_is_not():
    clear = arm_comparison(_arm_rows([1, 2, 1, 2] * 10, [4, 5, 5, 4] * 10), seed=3)
    assert clear.difference.low > 0 and clear.reading.startswith("Members matched by what they have in common said")
    assert "challenged more" in clear.reading
    unclear = arm_comparison(_arm_rows([1, 5, 3], [5, 1, 4]), seed=3)
    assert unclear.reading.startswith("Not enough evidence yet")
    tiny = arm_comparison(_arm_rows([3], [4, 5]), seed=3)
    assert tiny.difference is None and tiny.reading.startswith("Not enough answers yet")


def test_the_comparison_is_reproducible_for_the_same_seed():
    rows = _arm_rows([1, 2, 3, 4, 5], [2, 3, 4, 5, 5])
    assert arm_comparison(rows, seed=9) == arm_comparison(rows, seed=9)


def test_a_drawn_round_nobody_was_in_has_figures_of_zero_and_keeps_the_links_so_far():
    rows = [m(1, 1, "A", "X", "yes"), m(1, 1, "B", "Y"), m(3, 1, "A", "X"), m(3, 1, "C", "Z")]
    figures = round_figures(rows, rounds=[1, 2, 3])
    assert [f.round for f in figures] == [1, 2, 3]
    empty = figures[1]
    assert (empty.people, empty.groups, empty.met_groups, empty.challenge_interval, empty.org_links_so_far) == \
        (0, 0, 0, None, 1)
