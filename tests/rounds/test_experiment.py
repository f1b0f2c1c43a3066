"""The optional experiment: at each draw, half the members matched at random and half by what they have in
common, the split seeded by the round's own seed."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import drawn_round
from unmentoring.rounds.experiment import experiment_arms
from unmentoring.rounds.models import Seat

pytestmark = pytest.mark.django_db

ROLES = ["Developer", "Designer"]
TOPICS = ["legacy systems", "accessibility audits", "open data"]


@pytest.fixture
def trial(weekly):
    weekly.experiment = True
    weekly.save()
    return [MembershipFactory(programme=weekly, organisation=f"Org {n % 5}", role=ROLES[n % 2],
                              happy_to_talk_about=TOPICS[n % 3], person=PersonFactory(full_name=f"Member {n}"))
            for n in range(12)]


def test_the_draw_splits_the_members_in_two_balanced_halves_recorded_on_their_seats(weekly, trial):
    rnd = drawn_round(weekly)
    seats = list(Seat.objects.filter(group__round=rnd).select_related("group"))
    assert Counter(s.arm for s in seats) == {"random": 6, "similar": 6}
    # Each group is within one arm, and the split is the one the round's seed gives.
    assert all(len({s.arm for s in seats if s.group_id == g}) == 1 for g in {s.group_id for s in seats})
    assert {s.membership_id: s.arm for s in seats} == experiment_arms([m.pk for m in trial], seed=rnd.seed)
    similar = [s for s in seats if s.arm == "similar"]
    assert all("in common" in s.group.explanation for s in similar)


def test_without_the_experiment_nobody_has_an_arm(weekly, members):
    rnd = drawn_round(weekly)
    assert set(Seat.objects.filter(group__round=rnd).values_list("arm", flat=True)) == {""}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=4, max_size=200, unique=True), st.text(max_size=8),
       st.integers(min_value=2, max_value=3))
def test_the_split_is_reproducible_from_the_seed_and_balanced(ids, seed, size):
    arms = experiment_arms(ids, seed=seed, group_size=size)
    assert arms == experiment_arms(list(reversed(ids)), seed=seed, group_size=size)  # the order given does not matter
    counts = Counter(arms.values())
    assert set(arms) == set(ids) and counts["random"] >= 2 and counts["similar"] >= 2
    assert abs(counts["random"] - counts["similar"]) <= size  # halves of whole groups, as near equal as can be


def test_splitting_makes_no_extra_trio():
    from unmentoring.matching import group_sizes  # noqa: PLC0415  (only this test sizes groups)

    for n in range(4, 40):
        counts = Counter(experiment_arms(list(range(n)), seed="s", group_size=2).values())
        trios = sum(size == 3 for arm in ("random", "similar") for size in group_sizes(counts[arm], 2))
        assert trios == n % 2, n


def test_different_seeds_split_differently():
    ids = list(range(100))
    assert experiment_arms(ids, seed="a") != experiment_arms(ids, seed="b")


def test_members_are_told_an_experiment_runs_and_their_arm_only_once_the_round_closes(client, weekly, trial):
    from django.urls import reverse  # noqa: PLC0415  (only the page tests need these)

    from unmentoring.notifications.models import Message  # noqa: PLC0415
    from unmentoring.notifications.services import message_render  # noqa: PLC0415
    from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record  # noqa: PLC0415
    from unmentoring.rounds.services.lifecycle import rounds_advance  # noqa: PLC0415

    assert 'data-testid="experiment-notice"' in client.get(weekly.get_absolute_url()).content.decode()
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd, arm="similar").select_related("membership__person").first()
    intro = message_render(Message.objects.get(template="intro", idempotency_key=f"intro:{seat.pk}"))
    assert "part of an experiment" in intro.body_text and "in common:" not in intro.body_text  # the arm stays secret
    client.force_login(seat.membership.person)
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert "you will see how you were matched when it closes" in page and 'data-testid="my-arm"' not in page
    for s in Seat.objects.filter(group__round=rnd).order_by("pk"):
        checkin_record(seat_id=s.pk, answer=CheckInAnswer(met="yes", challenge=4 if s.arm == "similar" else 2))
    rounds_advance(now=rnd.close_at)
    round_up = message_render(Message.objects.get(template="round_up", person=seat.membership.person))
    assert "In this round's experiment you were matched by what you have in common." in round_up.body_text
    assert "you were matched by what you have in common" in client.get(rnd.get_absolute_url()).content.decode()
    organiser = PersonFactory()
    weekly.organisers.add(organiser)
    client.force_login(organiser)
    insights = client.get(reverse("console:insights", args=[weekly.slug])).content.decode()
    assert 'data-testid="insights-experiment"' in insights
    assert "Not enough evidence yet: each half needs at least 10 groups that met" in insights  # three groups each


def test_a_members_data_download_gives_their_arm_only_once_the_round_closes(weekly, trial):
    from unmentoring.rounds.personal_data import _rounds  # noqa: PLC0415  (the download's rounds part)
    from unmentoring.rounds.services.lifecycle import rounds_advance  # noqa: PLC0415

    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd, arm="similar").select_related("membership__person").first()
    [during] = _rounds(seat.membership.person)
    assert (during["why"], during["experiment_arm"]) == ("part of this round's experiment", "")
    rounds_advance(now=rnd.close_at)
    [after] = [r for r in _rounds(seat.membership.person) if r["round"] == 1]
    assert after["experiment_arm"] == "similar" and "in common" in after["why"]


def test_a_block_inside_one_half_draws_the_round_as_usual_and_says_so(weekly):
    from tests.rounds.helpers import schedule  # noqa: PLC0415  (only this test stops before the draw)
    from unmentoring.accounts.models import Block  # noqa: PLC0415
    from unmentoring.rounds.services.lifecycle import rounds_advance  # noqa: PLC0415

    weekly.experiment = True
    weekly.save()
    people = [MembershipFactory(programme=weekly, organisation=f"Org {n}") for n in range(4)]
    rnd = schedule(weekly)
    arms = experiment_arms([m.pk for m in people], seed=rnd.seed, group_size=2)
    a, b = [m for m in people if arms[m.pk] == "random"]  # a pair in one half: blocked, that half cannot be drawn
    Block.objects.create(blocker=a.person, blocked=b.person)
    rounds_advance(now=rnd.draw_at)
    rnd.refresh_from_db()
    assert rnd.state == "drawn" and rnd.draw_note.startswith("Drawn without the experiment this round")
    assert set(Seat.objects.filter(group__round=rnd).values_list("arm", flat=True)) == {""}
    grouped = {frozenset(g) for g in _groups(rnd)}
    assert frozenset((a.pk, b.pk)) not in grouped and len(grouped) == 2


def _groups(rnd):
    found = {}
    for group_id, membership_id in Seat.objects.filter(group__round=rnd).values_list("group_id", "membership_id"):
        found.setdefault(group_id, set()).add(membership_id)
    return found.values()


def test_a_moved_member_keeps_their_half_and_the_insights_count_a_new_match_in_it(weekly, trial):
    from unmentoring.insights.selectors import meetings_of  # noqa: PLC0415  (the analysis rows)
    from unmentoring.notifications.models import Message  # noqa: PLC0415
    from unmentoring.notifications.services import message_render  # noqa: PLC0415
    from unmentoring.rounds.services.rematch import seat_request_rematch  # noqa: PLC0415
    from unmentoring.rounds.services.steering import member_move  # noqa: PLC0415

    rnd = drawn_round(weekly)
    similar = list(Seat.objects.filter(group__round=rnd, arm="similar").order_by("group__number", "pk"))
    mover, target = similar[0], next(s for s in similar if s.group_id != similar[0].group_id)
    moved = member_move(round_id=rnd.pk, membership_id=mover.membership_id, to_group_id=target.group_id,
                        reason="Closer to home.", actor=PersonFactory(), now=rnd.draw_at)
    assert moved.arm == "similar"
    intro = message_render(Message.objects.filter(template="intro", person=moved.membership.person).order_by("-pk")[0])
    assert "in common:" not in intro.body_text  # the reason for the group would give the half away
    randoms = list(Seat.objects.filter(group__round=rnd, arm="random").order_by("group__number", "pk"))
    first, second = randoms[0], next(s for s in randoms if s.group_id != randoms[0].group_id)
    for seat in (first, second):
        seat_request_rematch(seat_id=seat.pk, now=rnd.draw_at)
    rows = {(r.person, r.arm) for r in meetings_of(weekly) if r.round == rnd.number}
    assert len({person for person, _arm in rows}) == 12 and all(arm for _person, arm in rows)
