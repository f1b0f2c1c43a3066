"""The monthly (here weekly) cycle, driven by a controllable clock: no sleeping."""

import itertools

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.clock import at
from tests.conftest import at_once
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from tests.links import path_of
from tests.rounds.helpers import SCHEDULED_AT, schedule, templates
from unmentoring.accounts.models import Block
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.models import Membership
from unmentoring.rounds.admin import RoundAdmin
from unmentoring.rounds.models import Group, Round, Seat, seed_digest
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import round_draw, rounds_advance

pytestmark = pytest.mark.django_db


def test_a_new_programme_gets_its_first_round_with_a_committed_seed(weekly, members):
    rnd = schedule(weekly)
    assert (rnd.state, rnd.notice_at, rnd.draw_at) == ("scheduled", at("2027-01-10 09:00"), at("2027-01-12 09:00"))
    assert (rnd.nudge_at, rnd.window_ends_at, rnd.close_at) == (
        at("2027-01-15 09:00"), at("2027-01-18 09:00"), at("2027-01-20 09:00"))
    assert len(rnd.seed) == 64 and rnd.seed_sha256 == seed_digest(rnd.seed)
    rounds_advance(now=SCHEDULED_AT)
    assert Round.objects.count() == 1  # ticking again schedules nothing more


def test_the_round_page_shows_the_seed_fingerprint_before_the_draw_and_the_seed_after(client, weekly, members):
    rnd = schedule(weekly)
    before = client.get(rnd.get_absolute_url()).text
    assert rnd.seed_sha256 in before and rnd.seed not in before
    rounds_advance(now=rnd.draw_at)
    after = client.get(rnd.get_absolute_url()).text
    assert rnd.seed in after


def test_the_notice_goes_to_members_due_at_notice_time_and_only_once(weekly, members):
    schedule(weekly)
    rounds_advance(now=at("2027-01-10 08:59"))
    assert Message.objects.count() == 0
    rounds_advance(now=at("2027-01-10 09:00"))
    rounds_advance(now=at("2027-01-10 09:05"))
    assert templates() == ["round_notice"] * 8
    notice = message_render(Message.objects.first())
    assert notice.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert notice.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/r/unsubscribe/")
    text = message_render(notice).body_text
    assert "Tuesday 12 January 2027" in text and "/r/skip/" in text


def test_the_draw_groups_every_member_due_and_queues_one_intro_each(weekly, members):
    paused = MembershipFactory(programme=weekly, status="paused", paused_until="2027-02-01")
    MembershipFactory(programme=weekly, status="left")
    rnd = schedule(weekly)

    rounds_advance(now=at("2027-01-12 09:00"))
    rounds_advance(now=at("2027-01-12 09:01"))

    rnd.refresh_from_db()
    assert rnd.state == "drawn"
    seats = Seat.objects.filter(group__round=rnd)
    assert sorted(seats.values_list("membership_id", flat=True)) == sorted(m.pk for m in members)
    assert paused.pk not in set(seats.values_list("membership_id", flat=True))
    assert Group.objects.filter(round=rnd).count() == 4
    for group in Group.objects.filter(round=rnd):
        orgs = [s.organisation for s in group.seats.all()]
        assert len(set(orgs)) == 2  # four organisations of two: nobody meets a colleague
    assert sorted(Message.objects.filter(template="intro").values_list("context__seat", flat=True)) == sorted(seats.values_list("pk", flat=True))
    assert Round.objects.filter(programme=weekly, number=2, state="scheduled").exists()


def test_a_member_who_skips_the_round_from_the_notice_is_left_out_of_the_draw(client, weekly, members):
    rnd = schedule(weekly)
    skipper = members[3]  # a pk other than the round's: a link that swapped them would not pass
    assert skipper.pk != rnd.pk
    rounds_advance(now=rnd.notice_at)
    notice = message_render(Message.objects.get(template="round_notice", person=skipper.person))
    skip = next(path_of(word) for word in notice.body_text.split() if "/r/skip/" in word)
    assert "skip-submit" in client.get(skip).text
    skipper.refresh_from_db()
    assert skipper.status == "active"  # opening the link changes nothing
    assert client.post(skip).status_code == 200
    skipper.refresh_from_db()
    assert (skipper.status, str(skipper.paused_until)) == ("paused", "2027-01-13")

    rounds_advance(now=rnd.draw_at)
    drawn = set(Seat.objects.filter(group__round=rnd).values_list("membership_id", flat=True))
    assert skipper.pk not in drawn and len(drawn) == 7
    # the pause ends by itself the day after the draw, in time for round 2

    call_command("tick", "--now", "2027-01-13T09:00")
    skipper.refresh_from_db()
    assert skipper.status == "active"


def test_drawing_twice_makes_one_set_of_groups(weekly, members):
    rnd = schedule(weekly)
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    assert Seat.objects.filter(group__round=rnd).count() == 8
    assert Message.objects.filter(template="intro").count() == 8


def test_a_round_cannot_be_drawn_early(weekly, members):
    rnd = schedule(weekly)
    with pytest.raises(ApplicationError, match="not due to be drawn"):
        round_draw(round_id=rnd.pk, now=at("2027-01-12 08:59"))
    assert Group.objects.count() == 0


def test_a_missed_day_catches_up_without_sending_anything_twice(weekly, members):
    rnd = schedule(weekly)
    # The server was down from Saturday until Friday afternoon: notice, draw and nudge times all passed.
    rounds_advance(now=at("2027-01-15 15:00"))
    rounds_advance(now=at("2027-01-15 15:05"))
    rnd.refresh_from_db()
    assert rnd.state == "drawn"
    counts = {t: templates().count(t) for t in set(templates())}
    assert counts == {"intro": 8, "nudge": 8}  # a notice after the draw would only confuse
    # and on through the check-in request to the close, twice over
    for moment in ["2027-01-18 09:00", "2027-01-20 09:00", "2027-01-20 09:00"]:
        rounds_advance(now=at(moment))
    counts = {t: templates().count(t) for t in set(templates())}
    # round 2 (drawn on the 19th) has had its notice and intros too; nothing is doubled
    assert counts == {"intro": 16, "nudge": 8, "checkin_request": 8, "round_up": 8, "round_notice": 8}
    assert Message.objects.filter(idempotency_key__startswith=f"notice:{rnd.pk}:").count() == 0


def test_the_nudge_skips_groups_where_someone_said_they_met(weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    group = Group.objects.filter(round=rnd).first()
    checkin_record(seat_id=group.seats.first().pk, answer=CheckInAnswer(met="yes", challenge=3))
    rounds_advance(now=rnd.nudge_at)
    nudged = set(Message.objects.filter(template="nudge").values_list("person_id", flat=True))
    in_met_group = set(group.seats.values_list("membership__person_id", flat=True))
    assert len(nudged) == 6 and not nudged & in_met_group


def test_closing_freezes_the_round_and_reports_how_many_groups_met(weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    for group in Group.objects.filter(round=rnd)[:3]:
        checkin_record(seat_id=group.seats.first().pk, answer=CheckInAnswer(met="yes", challenge=3))
    rounds_advance(now=rnd.close_at)
    rnd.refresh_from_db()
    assert rnd.state == "closed" and rnd.closed_at == rnd.close_at
    closed = Message.objects.filter(template="round_up").first()
    assert (closed.context["groups"], closed.context["groups_met"]) == (4, 3)


def test_members_silent_for_three_rounds_are_paused_and_can_resume_with_one_click(client, weekly, members):
    talkative = members[:4]
    moment = SCHEDULED_AT
    for _ in range(3):
        rounds_advance(now=moment)
        rnd = Round.objects.filter(programme=weekly, state="scheduled").get()
        rounds_advance(now=rnd.draw_at)
        for seat in Seat.objects.filter(group__round=rnd, membership__in=talkative):
            checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3))
        rounds_advance(now=rnd.close_at)
        moment = rnd.close_at

    statuses = dict(Membership.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in talkative] == ["active"] * 4
    assert [statuses[m.pk] for m in members[4:]] == ["paused"] * 4
    message = message_render(Message.objects.filter(template="paused_silent").first())
    assert Message.objects.filter(template="paused_silent").count() == 4
    resume = next(path_of(word) for word in message.body_text.split() if "/r/resume/" in word)
    assert client.post(resume).status_code == 200
    resumed = Membership.objects.get(person=message.person)
    assert resumed.status == "active" and resumed.resumed_at is not None
    Membership.objects.filter(pk=resumed.pk).update(resumed_at=moment)  # the link was followed at this simulated moment

    # One more silent round after resuming is not three in a row.
    rounds_advance(now=moment)
    rnd = Round.objects.filter(programme=weekly, state="scheduled").get()
    rounds_advance(now=rnd.draw_at)
    assert Seat.objects.filter(group__round=rnd, membership=resumed).exists()
    rounds_advance(now=rnd.close_at)
    resumed.refresh_from_db()
    assert resumed.status == "active"


def test_every_other_round_members_sit_out_alternate_rounds(weekly, members):
    Membership.objects.filter(pk=members[0].pk).update(rhythm="every_other")
    drawn_in = []
    moment = SCHEDULED_AT
    for _ in range(3):
        rounds_advance(now=moment)
        rnd = Round.objects.filter(programme=weekly, state="scheduled").get()
        rounds_advance(now=rnd.draw_at)
        drawn_in.append(Seat.objects.filter(group__round=rnd, membership=members[0]).exists())
        moment = rnd.draw_at
    assert drawn_in == [True, False, True]


def test_blocked_pairs_are_never_grouped(weekly):
    people = [MembershipFactory(programme=weekly, organisation="Same Org") for _ in range(4)]
    for a, b in itertools.combinations(people[:3], 2):
        Block.objects.create(blocker=a.person, blocked=b.person)
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    for group in Group.objects.filter(round=rnd):
        ids = {s.membership.person_id for s in group.seats.all()}
        for a, b in itertools.combinations(people[:3], 2):
            assert not {a.person_id, b.person_id} <= ids


def test_impossible_blocks_leave_the_round_undrawn_with_a_reason(weekly):
    people = [MembershipFactory(programme=weekly) for _ in range(2)]
    Block.objects.create(blocker=people[0].person, blocked=people[1].person)
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    rnd.refresh_from_db()
    assert rnd.state == "scheduled"
    assert rnd.draw_note == "Not drawn yet: the organisers are sorting out who can be matched with whom."
    assert rnd.draw_problem == (
        f"Draw failed: blocked pairs leave no valid grouping for: membership {people[0].pk}, membership {people[1].pk}"
    )

    assert RoundAdmin(Round, None).problem(rnd) == (
        f"Draw failed: blocked pairs leave no valid grouping for: {people[0].person.full_name} ({people[0].organisation}), "
        f"{people[1].person.full_name} ({people[1].organisation})"
    )
    assert Group.objects.count() == 0 and Message.objects.filter(template="intro").count() == 0


def test_a_round_with_one_member_due_is_closed_off_with_a_note(weekly):
    MembershipFactory(programme=weekly)
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    rnd.refresh_from_db()
    assert rnd.state == "drawn" and rnd.draw_note == "Not drawn: 1 member due, at least 2 are needed."


def test_the_round_page_shows_my_match_only_to_me(client, weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    seat = Seat.objects.filter(group__round=rnd).first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    assert other.membership.person.email not in client.get(rnd.get_absolute_url()).text  # factories share one phone number
    outsider = Seat.objects.filter(group__round=rnd).exclude(group=seat.group).first()
    client.force_login(outsider.membership.person)  # in the same round, another group
    assert other.membership.person.email not in client.get(rnd.get_absolute_url()).text  # factories share one phone number
    client.force_login(seat.membership.person)
    page = client.get(rnd.get_absolute_url()).text
    assert other.membership.person.email in page and other.membership.phone_display in page
    assert page.count('data-testid="my-group"') == 1


def test_the_round_page_makes_a_fixed_number_of_queries(client, weekly, members, django_assert_max_num_queries):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    client.force_login(members[0].person)
    # The round with its group count, the session, the person, their seats, the others in their groups,
    # and whether to offer the organisers' console.
    path = rnd.get_absolute_url()
    with django_assert_max_num_queries(6):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("site:programme", kwargs={"slug": weekly.slug})).status_code == 200


def test_rounds_of_other_programmes_are_independent(weekly, members):
    other = ProgrammeFactory(cadence="monthly", weekday=1, week_of_month=1)
    MembershipFactory(programme=other, person=PersonFactory())
    rounds_advance(now=SCHEDULED_AT)
    assert Round.objects.filter(programme=other).get().draw_at == at("2027-02-02 09:00")


def test_a_round_whose_whole_window_was_missed_is_skipped_not_drawn(weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.window_ends_at)
    rnd.refresh_from_db()
    assert (rnd.state, rnd.drawn_at) == ("closed", None)
    assert rnd.draw_note.startswith("Not drawn: the service was not running")
    assert Group.objects.filter(round=rnd).count() == 0
    assert Message.objects.count() == 0
    assert Round.objects.filter(programme=weekly, number=2, state="scheduled").exists()


def test_round_times_are_shown_in_the_programmes_time_zone(client, weekly, members):
    weekly.time_zone = "America/New_York"
    weekly.save()
    rnd = schedule(weekly)
    page = client.get(rnd.get_absolute_url()).text
    local = rnd.draw_at.astimezone(weekly.tz)
    assert f"{local:%H:%M}" in page and "America/New_York time" in page


@pytest.mark.django_db(transaction=True)
def test_two_workers_drawing_at_once_make_one_set_of_groups_and_one_intro_each(weekly, members):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter; SQLite serialises writers with IMMEDIATE transactions")
    rounds_advance(now=at("2027-01-04 08:00"))
    rnd = Round.objects.get(programme=weekly, number=1)
    results = at_once(2, lambda: round_draw(round_id=rnd.pk, now=rnd.draw_at))
    assert [type(r) for r in results] == [Round, Round]  # neither raised
    assert Group.objects.filter(round=rnd).count() == 4
    assert Seat.objects.filter(group__round=rnd).count() == 8
    assert Message.objects.filter(template="intro").count() == 8


def _drawn_rows(rnd):
    groups = [(g.number, g.explanation, g.is_rematch, g.revision, g.created_at is not None)
              for g in Group.objects.filter(round=rnd).order_by("number")]
    seats = list(Seat.objects.filter(group__round=rnd).order_by("group__number", "membership_id").values(
        "group__number", "membership_id", "organisation", "arm", "rematch_outcome", "rematch_requested_at"))
    intros = sorted((m.to_email, m.person_id, m.programme_id, m.status, m.attempts, m.channel, m.to_phone,
                     m.subject, m.headers, m.attachments, m.rendered_at, m.created_at is not None)
                    for m in Message.objects.filter(template="intro"))
    return groups, seats, intros


def test_a_big_draw_copied_in_stores_exactly_what_creating_each_row_stores(weekly, monkeypatch):
    """On PostgreSQL a draw of many seats streams its groups, seats and intros in with COPY: the same rows,
    defaults and all, as the ORM's bulk_create, and the intros render and send."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite always creates the rows with bulk_create")
    import unmentoring.notifications.services as outbox  # noqa: PLC0415 (their switches are what changes)
    import unmentoring.rounds.services.lifecycle as lifecycle  # noqa: PLC0415

    for n in range(24):
        MembershipFactory(programme=weekly, organisation=f"Org {n % 5}")
    rnd = schedule(weekly)
    drawn = {}
    for way, threshold in (("copy", 0), ("create", 10_000)):
        monkeypatch.setattr(lifecycle, "COPY_SEATS_FROM", threshold)
        monkeypatch.setattr(outbox, "uses_copy", lambda way=way: way == "copy")
        round_draw(round_id=rnd.pk, now=rnd.draw_at)
        drawn[way] = _drawn_rows(rnd)
        assert len(drawn[way][0]) == 12 and len(drawn[way][1]) == 24 and len(drawn[way][2]) == 24
        assert round_draw(round_id=rnd.pk, now=rnd.draw_at).state == "drawn"  # idempotent: nothing added
        assert Seat.objects.filter(group__round=rnd).count() == 24
        if way == "copy":
            for intro in Message.objects.filter(template="intro")[:3]:
                assert "Your match" in message_render(intro).subject
            Message.objects.filter(template="intro").delete()
            Seat.objects.filter(group__round=rnd).delete()
            Group.objects.filter(round=rnd).delete()
            Round.objects.filter(pk=rnd.pk).update(state="scheduled", drawn_at=None)
    assert drawn["copy"] == drawn["create"]
