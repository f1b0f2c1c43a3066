"""Steering a round from the console: draw it now, cancel it, draw latecomers, move a member or split a trio."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import drawn_round, schedule, seats_in_different_groups
from unmentoring.accounts.models import Block
from unmentoring.core.errors import ApplicationError
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render, messages_deliver_due
from unmentoring.programmes.services import membership_leave, membership_pause, membership_resume
from unmentoring.rounds.enums import RoundState
from unmentoring.rounds.models import Group, Round, Seat
from unmentoring.rounds.selectors import latecomers, past_meetings, round_get, still_in_group
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance
from unmentoring.rounds.services.rematch import seat_request_rematch
from unmentoring.rounds.services.steering import latecomers_draw, member_move, round_cancel

pytestmark = pytest.mark.django_db


def _page(client, path, **kwargs):
    return client.get(path, **kwargs).content.decode()


def _latecomer(programme, n, organisation=None):
    return MembershipFactory(programme=programme, organisation=organisation or f"Late Org {n}",
                             person=PersonFactory(full_name=f"Latecomer {n}", email=f"late{n}@example.org"))


def _group(rnd, number):
    return Group.objects.get(round=rnd, number=number)


def _people_in(group):
    """Who is in the group now: not moved on, not left."""
    return sorted(still_in_group(group.seats.all()).values_list("membership__person__full_name", flat=True))


# --- Draw now ---------------------------------------------------------------------


def test_drawing_a_round_now_groups_todays_members_sends_intros_and_schedules_the_next(client, weekly, members,
                                                                                     organiser):
    rnd = schedule(weekly)
    path = reverse("console:round-draw", args=[weekly.slug, rnd.number])
    confirm = _page(client, path)
    assert "Draw round 1 now?" in confirm and "the 8 members due today are grouped" in confirm
    assert "nobody has been told of this round yet" in confirm
    before, planned = timezone.now(), rnd.draw_at
    page = client.post(path, follow=True).content.decode()
    rnd.refresh_from_db()
    assert rnd.state == RoundState.DRAWN and before <= rnd.drawn_at <= timezone.now()
    assert rnd.draw_at == planned  # the timetable stays: the next round is not squeezed into this one's window
    assert "Round 1 is drawn: 4 groups. Everyone is emailed their match." in page
    assert Message.objects.filter(template="intro").count() == 8
    following = weekly.rounds.get(number=2)
    assert following.state == RoundState.SCHEDULED and following.draw_at == planned + timedelta(days=7)
    event = AuditEvent.objects.get(action="round.draw_now")
    assert (event.actor_id, event.subject, event.programme_id) == (organiser.pk, "round:1", weekly.pk)
    again = client.post(path, follow=True).content.decode()  # drawn already: nothing more
    assert "Round 1 is drawn already." in again and Message.objects.filter(template="intro").count() == 8


def test_drawing_now_when_blocks_make_it_impossible_draws_nothing_and_says_so(client, weekly, organiser):
    a, b = (MembershipFactory(programme=weekly, person=PersonFactory(full_name=name)) for name in ("Ann", "Bea"))
    Block.objects.create(blocker=a.person, blocked=b.person)
    rnd = schedule(weekly)
    draw_at = rnd.draw_at
    page = client.post(reverse("console:round-draw", args=[weekly.slug, 1]), follow=True).content.decode()
    rnd.refresh_from_db()
    assert (rnd.state, rnd.draw_at, rnd.drawn_at) == (RoundState.SCHEDULED, draw_at, None)
    assert "Round 1 cannot be drawn" in page and not Group.objects.exists()
    assert not AuditEvent.objects.filter(action="round.draw_now").exists()  # the whole attempt rolled back


def test_drawing_now_needs_two_members_due_today_and_leaves_out_anyone_paused_today(client, weekly, members,
                                                                                   organiser):
    rnd = schedule(weekly)
    today = timezone.localdate(timezone=weekly.tz)
    for m in members[1:]:  # paused until the planned draw day: due then, not today
        membership_pause(membership=m, until=rnd.draw_at.astimezone(weekly.tz).date(), reason="asked", today=today)
    page = client.post(reverse("console:round-draw", args=[weekly.slug, 1]), follow=True).content.decode()
    assert "cannot be drawn now: 1 member due today, at least 2 are needed" in page
    rnd.refresh_from_db()
    assert rnd.state == RoundState.SCHEDULED and not AuditEvent.objects.exists()
    for m in members[1:3]:
        membership_resume(membership=m)
    client.post(reverse("console:round-draw", args=[weekly.slug, 1]))
    assert sorted(Seat.objects.filter(group__round=rnd).values_list("membership_id", flat=True)) == \
        sorted(m.pk for m in members[:3])
    rnd.refresh_from_db()
    assert {m.pk for m in latecomers(rnd)} == {m.pk for m in members[3:]}  # back by the planned day: latecomers


# --- Cancel -------------------------------------------------------------------------


def test_cancelling_a_noticed_round_tells_its_members_and_schedules_the_next_after_it(client, weekly, members,
                                                                                   organiser):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.notice_at)
    messages_deliver_due()  # the notice is out
    path = reverse("console:round-cancel", args=[weekly.slug, 1])
    assert "they are emailed that it is cancelled" in _page(client, path)
    blank = client.post(path, {"reason": "  "})
    assert "Say why you are cancelling the round" in blank.content.decode()
    assert "<title>Error: Cancel round 1: Weekly Coffee" in blank.content.decode()  # said once
    rnd.refresh_from_db()
    assert rnd.state == RoundState.SCHEDULED
    page = client.post(path, {"reason": "Most of us are at the conference that week."}, follow=True).content.decode()
    assert "Round 1 is cancelled. Members who were told of it are emailed." in page
    rnd.refresh_from_db()
    assert rnd.state == RoundState.CANCELLED and rnd.cancelled_at is not None
    following = weekly.rounds.get(number=2)
    assert following.state == RoundState.SCHEDULED and following.draw_at.date() == (rnd.draw_at + timedelta(days=7)).date()
    sent = Message.objects.filter(template="round_cancelled")
    assert sent.count() == 8
    email = message_render(sent.first())
    assert email.subject == "Round 1 of Weekly Coffee is cancelled"
    assert "Their note: Most of us are at the conference that week." in email.body_text
    assert "The next round is drawn on Tuesday 19 January 2027" in email.body_text
    event = AuditEvent.objects.get(action="round.cancel")
    assert (event.subject, event.detail) == ("round:1", {"reason": "Most of us are at the conference that week."})
    rounds_advance(now=rnd.draw_at + timedelta(hours=1))  # its draw time passes: nothing happens to it
    rnd.refresh_from_db()
    assert rnd.state == RoundState.CANCELLED and not Group.objects.filter(round=rnd).exists()
    public = _page(client, rnd.get_absolute_url())
    assert "Cancelled" in public and rnd.seed not in public and "Never used: the round was cancelled" in public
    assert "Round 1</a>: cancelled" in _page(client, weekly.get_absolute_url())
    assert "Draw it now" not in _page(client, reverse("console:round", args=[weekly.slug, 1]))


def test_a_round_nobody_was_told_of_is_cancelled_without_email_and_a_drawn_one_not_at_all(client, weekly, members,
                                                                                        organiser):
    rnd = schedule(weekly)
    round_cancel(round_id=rnd.pk, reason="Nobody is around.", actor=organiser)
    assert not Message.objects.filter(template="round_cancelled").exists()
    drawn = weekly.rounds.get(number=2)
    rounds_advance(now=drawn.draw_at)
    drawn.refresh_from_db()
    assert drawn.state == RoundState.DRAWN
    with pytest.raises(ApplicationError, match="only a round that has not been drawn can be cancelled"):
        round_cancel(round_id=drawn.pk, reason="Too late.", actor=organiser)
    page = client.post(reverse("console:round-cancel", args=[weekly.slug, 2]), {"reason": "Too late."},
                       follow=True).content.decode()
    assert "only a round that has not been drawn can be cancelled" in page
    drawn.refresh_from_db()
    assert drawn.state == RoundState.DRAWN and AuditEvent.objects.filter(action="round.cancel").count() == 1


# --- Latecomers ----------------------------------------------------------------------


def test_latecomers_are_listed_and_drawn_among_themselves_with_intros(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = [_latecomer(weekly, n) for n in range(3)]
    path = reverse("console:round", args=[weekly.slug, 1])
    page = _page(client, path)
    assert "3 members joined or came back after the draw" in page
    assert all(f"Latecomer {n} (Late Org {n})" in page for n in range(3))
    response = client.post(reverse("console:latecomers-draw", args=[weekly.slug, 1]),
                           {"members": [m.pk for m in late]}, follow=True)
    assert "The latecomers are drawn into group 5, and emailed their match." in response.content.decode()
    assert _people_in(_group(rnd, 5)) == ["Latecomer 0", "Latecomer 1", "Latecomer 2"]
    assert not _group(rnd, 5).is_rematch  # an ordinary group: it counts as the members' round
    intros = Message.objects.filter(template="intro", person__in=[m.person for m in late])
    assert intros.count() == 3
    assert message_render(intros.first()).subject.startswith("Your match for round 1 of Weekly Coffee")
    assert AuditEvent.objects.filter(action="round.latecomer_drawn").count() == 3
    assert "Everyone due has a group." in _page(client, path)


def test_the_round_page_counts_every_group_the_draws_new_matches_and_latecomers_included(client, weekly, members,
                                                                                          organiser):
    rnd = drawn_round(weekly)
    drawn = Group.objects.filter(round=rnd).count()
    first, second = seats_in_different_groups(rnd, 2)
    seat_request_rematch(seat_id=first.pk, now=rnd.draw_at)
    seat_request_rematch(seat_id=second.pk, now=rnd.draw_at)  # the two are a new group
    late = [_latecomer(weekly, n) for n in range(2)]
    latecomers_draw(round_id=rnd.pk, membership_ids=[m.pk for m in late], actor=organiser, now=rnd.draw_at)
    assert Group.objects.filter(round=rnd).count() == drawn + 2
    assert round_get(slug=weekly.slug, number=rnd.number, count_groups=True).group_count == drawn + 2
    client.force_login(late[0].person)
    page = _page(client, reverse("rounds:detail", args=[weekly.slug, rnd.number]))
    assert f'<dt class="govuk-summary-list__key">Groups</dt><dd class="govuk-summary-list__value">{drawn + 2}</dd>' in page


@pytest.mark.parametrize(("chosen", "error"), [
    (lambda late, seated: [late[0].pk], "Choose at least two latecomers to draw"),
    (lambda late, seated: [], "Choose at least two latecomers to draw"),
    (lambda late, seated: [late[0].pk, seated.pk], "Someone you chose is no longer waiting for a group"),
    (lambda late, seated: [late[0].pk, "x"], "Someone you chose is no longer waiting for a group"),
])
def test_a_bad_latecomer_draw_says_what_is_wrong_and_writes_nothing(client, weekly, members, organiser, chosen, error):
    rnd = drawn_round(weekly)
    late = [_latecomer(weekly, n) for n in range(2)]
    groups = rnd.groups.count()
    response = client.post(reverse("console:latecomers-draw", args=[weekly.slug, 1]),
                           {"members": chosen(late, members[0])})
    assert response.status_code == 400 and error in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert rnd.groups.count() == groups and not AuditEvent.objects.exists()


def test_latecomers_who_block_each_other_are_named_not_numbered(weekly, members, organiser):
    rnd = drawn_round(weekly)
    a, b = _latecomer(weekly, 0), _latecomer(weekly, 1)
    Block.objects.create(blocker=b.person, blocked=a.person)
    with pytest.raises(ApplicationError, match="Latecomer") as raised:
        latecomers_draw(round_id=rnd.pk, membership_ids=[a.pk, b.pk], actor=organiser, now=rnd.draw_at)
    assert str(a.pk) not in str(raised.value).replace("Latecomer 0", "").replace("Latecomer 1", "")
    assert not Seat.objects.filter(membership__in=[a, b]).exists()


def test_groups_do_not_change_after_the_window(weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = [_latecomer(weekly, n) for n in range(2)]
    with pytest.raises(ApplicationError, match="window for round 1 has ended"):
        latecomers_draw(round_id=rnd.pk, membership_ids=[m.pk for m in late], actor=organiser, now=rnd.window_ends_at)
    with pytest.raises(ApplicationError, match="window for round 1 has ended"):
        member_move(round_id=rnd.pk, membership_id=late[0].pk, to_group_id=_group(rnd, 1).pk, reason="r",
                    actor=organiser, now=rnd.window_ends_at)
    assert not Seat.objects.filter(membership__in=late).exists()


# --- Move, add, split -----------------------------------------------------------------


def test_adding_a_latecomer_to_a_pair_tells_them_and_the_pair(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = _latecomer(weekly, 0)
    pair = _people_in(_group(rnd, 1))
    path = reverse("console:member-move", args=[weekly.slug, 1, late.pk])
    form = _page(client, path)
    assert "Add Latecomer 0 to a group" in form and "They joined after the draw" in form
    assert f"Group 1: {pair[0]}" in form or f"Group 1: {pair[1]}" in form
    response = client.post(path, {"group": _group(rnd, 1).pk, "reason": "You asked to meet someone in Org 0."},
                           follow=True)
    assert "Latecomer 0 is in group 1 now." in response.content.decode()
    assert _people_in(_group(rnd, 1)) == sorted([*pair, "Latecomer 0"])
    theirs = message_render(Message.objects.get(template="intro", person=late.person))
    assert theirs.subject.startswith("Your match for round 1 of Weekly Coffee")
    assert "The organisers have added you to a group for round 1 of Weekly Coffee." in theirs.body_text
    assert "Their note: You asked to meet someone in Org 0." in theirs.body_text
    assert all(name in theirs.body_text for name in pair)
    told = Message.objects.filter(template="intro", idempotency_key__startswith="intro-changed:").exclude(person=late.person)
    assert told.count() == 2
    joined = message_render(told.first())
    assert joined.subject.startswith("Your group has changed for round 1 of Weekly Coffee")
    assert "The organisers have added someone to your group" in joined.body_text
    assert "Latecomer 0 has joined your group." in joined.body_text
    assert "You asked to meet" not in joined.body_text  # the reason is theirs
    event = AuditEvent.objects.get(action="round.latecomer_added")
    assert event.detail == {"round": 1, "from_group": None, "to_group": 1, "reason": "You asked to meet someone in Org 0."}


def test_splitting_a_trio_pairs_one_of_it_with_someone_left_alone(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = _latecomer(weekly, 0)
    member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 1).pk, reason="Welcome.",
                actor=organiser, now=rnd.draw_at)  # group 1 is a trio now
    alone_group = _group(rnd, 2)
    gone = alone_group.seats.order_by("pk").first().membership
    membership_leave(membership=gone, now=rnd.draw_at)  # group 2 has one person left
    page = _page(client, reverse("console:round", args=[weekly.slug, 1]))
    assert "Split off" in page
    mover = _group(rnd, 1).seats.order_by("pk").first().membership
    path = reverse("console:member-move", args=[weekly.slug, 1, mover.pk])
    form = _page(client, path)
    assert "Moving one of a trio splits it" in form and "(on their own)" in form
    client.post(path, {"group": alone_group.pk, "reason": "So nobody is on their own."})
    assert len(_people_in(_group(rnd, 1))) == 2 and mover.person.full_name in _people_in(alone_group)
    left_behind = Message.objects.filter(template="left_behind", idempotency_key__startswith="left_behind:")
    moved_notes = [message_render(m) for m in left_behind if "moved" in message_render(m).body_text]
    assert len(moved_notes) == 2  # the two carrying on in group 1
    assert "has been moved to another group by the organisers" in moved_notes[0].body_text
    assert "You can carry on with the other person in your group" in moved_notes[0].body_text
    assert "Would you like a new match?" not in moved_notes[0].body_text  # still a pair: nothing to do
    mover_intro = message_render(Message.objects.filter(template="intro", person=mover.person).order_by("-pk").first())
    assert mover_intro.subject.startswith("Your group has changed")
    assert "The organisers have moved you to another group" in mover_intro.body_text
    event = AuditEvent.objects.get(action="member.move")
    assert (event.detail["from_group"], event.detail["to_group"]) == (1, 2)


def test_a_move_that_cannot_be_made_says_why_and_changes_nothing(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    first, second = _group(rnd, 1), _group(rnd, 2)
    mover = first.seats.order_by("pk").first()
    path = reverse("console:member-move", args=[weekly.slug, 1, mover.membership_id])
    for data, error in (({"group": second.pk, "reason": ""}, "Say why: the member you move is told"),
                        ({"reason": "r"}, "Choose the group they should join"),
                        ({"group": first.pk, "reason": "r"}, "Choose a group from the list"),  # their own
                        ({"group": "x", "reason": "r"}, "Choose a group from the list")):
        response = client.post(path, data)
        assert response.status_code == 400 and error in response.content.decode(), data
    late = _latecomer(weekly, 0)
    member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=second.pk, reason="r", actor=organiser,
                now=rnd.draw_at)  # group 2 is a trio: full for a programme of pairs
    response = client.post(path, {"group": second.pk, "reason": "r"})
    assert "Choose a group from the list" in response.content.decode()  # a full group is not offered
    with pytest.raises(ApplicationError, match="Group 2 has 3 people already"):  # nor taken by the service
        member_move(round_id=rnd.pk, membership_id=mover.membership_id, to_group_id=second.pk, reason="r",
                    actor=organiser, now=rnd.draw_at)
    blocked = _group(rnd, 3).seats.order_by("pk").first().membership
    Block.objects.create(blocker=blocked.person, blocked=mover.membership.person)
    response = client.post(path, {"group": _group(rnd, 3).pk, "reason": "r"})
    assert "one of them has asked not to be matched with the other" in response.content.decode()
    checkin_record(seat_id=mover.pk, answer=CheckInAnswer(met="no", not_met_reason="no_time"))
    response = client.post(path, {"group": _group(rnd, 4).pk, "reason": "r"})
    assert "has checked in for group 1, so they stay in it" in response.content.decode()
    mover.refresh_from_db()
    assert mover.group_id == first.pk and AuditEvent.objects.filter(action="member.move").count() == 0
    stranger = MembershipFactory()
    assert client.get(reverse("console:member-move", args=[weekly.slug, 1, stranger.pk])).status_code == 404


def test_a_closed_round_offers_no_changes(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    rounds_advance(now=rnd.close_at)
    page = _page(client, reverse("console:round", args=[weekly.slug, 1]))
    assert "Latecomers" not in page and "move-link" not in page
    response = client.get(reverse("console:member-move", args=[weekly.slug, 1, members[0].pk]), follow=True)
    assert "Round 1 is not open" in response.content.decode()
    assert Round.objects.get(pk=rnd.pk).state == RoundState.CLOSED


# --- The audit log, in words; reasons erased with the person -------------------------


def test_the_audit_log_says_in_words_who_was_moved_where_and_why(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = _latecomer(weekly, 0)
    member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 2).pk, reason="Joined late.",
                actor=organiser, now=rnd.draw_at)
    mover = _group(rnd, 1).seats.order_by("pk").first().membership
    member_move(round_id=rnd.pk, membership_id=mover.pk, to_group_id=_group(rnd, 3).pk, reason="Same team.",
                actor=organiser, now=rnd.draw_at)
    page = _page(client, reverse("console:audit", args=[weekly.slug]))
    assert "Moved from group 1 to group 3 in round 1. Why: Same team." in page
    assert "Added to group 2 in round 1. Why: Joined late." in page
    assert mover.person.full_name in page and "Latecomer 0" in page


def test_a_service_called_without_a_reason_refuses_and_writes_nothing(weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = _latecomer(weekly, 0)
    with pytest.raises(ApplicationError, match="Say why"):
        member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 1).pk, reason="  ",
                    actor=organiser, now=rnd.draw_at)
    with pytest.raises(ApplicationError, match="500 characters or fewer"):
        member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 1).pk, reason="x" * 501,
                    actor=organiser, now=rnd.draw_at)
    following = weekly.rounds.get(number=2)
    with pytest.raises(ApplicationError, match="Say why"):
        round_cancel(round_id=following.pk, reason="", actor=organiser)
    assert not Seat.objects.filter(membership=late).exists() and not AuditEvent.objects.exists()
    following.refresh_from_db()
    assert following.state == RoundState.SCHEDULED


def test_erasing_a_person_takes_the_organisers_reasons_about_them_out_of_the_audit_log(weekly, members, organiser):
    from unmentoring.accounts.services import person_erase  # noqa: PLC0415  (only this test erases)

    rnd = drawn_round(weekly)
    late = _latecomer(weekly, 0)
    member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 1).pk, reason="Ask Sam about X.",
                actor=organiser, now=rnd.draw_at)
    person_id = late.person_id
    person_erase(person=late.person)
    event = AuditEvent.objects.get(action="round.latecomer_added")
    assert event.subject == f"person:{person_id}" and event.detail == {"round": 1, "from_group": None, "to_group": 1}


# --- What the review found ---------------------------------------------------------------


def test_a_split_pair_is_remembered_so_a_new_match_never_puts_them_back_together(weekly, members, organiser):
    from unmentoring.rounds.services.rematch import seat_request_rematch  # noqa: PLC0415  (only this test)

    rnd = drawn_round(weekly)
    first = _group(rnd, 1)
    a, b = first.seats.order_by("pk")
    late = _latecomer(weekly, 0)
    member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 2).pk, reason="Welcome.",
                actor=organiser, now=rnd.draw_at)
    moved = member_move(round_id=rnd.pk, membership_id=a.membership_id, to_group_id=_group(rnd, 3).pk,
                        reason="Same team.", actor=organiser, now=rnd.draw_at)
    a.refresh_from_db()
    assert a.rematch_outcome == "regrouped" and moved.pk != a.pk  # the old seat stays, moved on
    pairs = {(p.a, p.b) for p in past_meetings(programme=weekly, membership_ids={a.membership_id, b.membership_id},
                                               up_to_round=1)}
    assert pairs == {tuple(sorted((str(a.membership_id), str(b.membership_id))))}
    seat_request_rematch(seat_id=b.pk, now=rnd.draw_at)
    seat_request_rematch(seat_id=moved.pk, now=rnd.draw_at)
    assert not Group.objects.filter(round=rnd, is_rematch=True).exists()  # the only two waiting: never regrouped
    # Moved back to group 1: their seat there comes back, and the pair is whole again.
    back = member_move(round_id=rnd.pk, membership_id=a.membership_id, to_group_id=first.pk, reason="Sorry.",
                       actor=organiser, now=rnd.draw_at)
    assert back.pk == a.pk and back.rematch_outcome == "" and _group(rnd, 3).seats.filter(
        membership_id=a.membership_id, rematch_outcome="regrouped").exists()


def test_a_moved_member_counts_the_round_once_for_the_silence_rule(weekly, members, organiser):
    rnd = drawn_round(weekly)
    late = _latecomer(weekly, 0)
    member_move(round_id=rnd.pk, membership_id=late.pk, to_group_id=_group(rnd, 2).pk, reason="Welcome.",
                actor=organiser, now=rnd.draw_at)
    mover = _group(rnd, 1).seats.order_by("pk").first().membership
    member_move(round_id=rnd.pk, membership_id=mover.pk, to_group_id=_group(rnd, 3).pk, reason="r", actor=organiser,
                now=rnd.draw_at)
    rounds_advance(now=rnd.close_at)
    second = weekly.rounds.get(number=2)
    for moment in (second.draw_at, second.close_at):
        rounds_advance(now=moment)
    mover.refresh_from_db()
    assert mover.status == "active"  # two silent rounds, not three (round 1 has two seats for them)


def test_only_a_latecomer_can_be_added_to_a_group(weekly, members, organiser):
    from unmentoring.rounds.services.lifecycle import round_skip  # noqa: PLC0415  (only this test skips)

    rnd = schedule(weekly)
    skipper = _latecomer(weekly, 0)
    round_skip(round_id=rnd.pk, membership_id=skipper.pk, now=rnd.notice_at)
    rounds_advance(now=rnd.draw_at)
    with pytest.raises(ApplicationError, match="is not waiting for a group in round 1"):
        member_move(round_id=rnd.pk, membership_id=skipper.pk, to_group_id=_group(rnd, 1).pk, reason="r",
                    actor=organiser, now=rnd.draw_at)
    assert not Seat.objects.filter(membership=skipper).exists()


def test_cancelling_emails_exactly_those_sent_the_notice_and_withdraws_notices_still_queued(weekly, members, organiser):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.notice_at)
    notices = Message.objects.filter(template="round_notice")
    assert notices.count() == 8
    queued = notices.order_by("pk").last()
    notices.exclude(pk=queued.pk).update(status="sent")  # all but one have gone out
    joined_since = _latecomer(weekly, 0)
    paused_since = members[0]
    membership_pause(membership=paused_since, until=rnd.draw_at.date() + timedelta(days=30), reason="asked")
    round_cancel(round_id=rnd.pk, reason="A strike day.", actor=organiser, now=rnd.notice_at)
    told = set(Message.objects.filter(template="round_cancelled").values_list("person_id", flat=True))
    assert told == {m.person_id for m in members} - {queued.person_id}
    assert paused_since.person_id in told and joined_since.person_id not in told
    messages_deliver_due()
    queued.refresh_from_db()
    assert queued.status == "cancelled"  # never told of the round: not told of it now


def test_a_skip_link_for_a_cancelled_round_says_so(client, weekly, members, organiser):
    from tests.links import path_of  # noqa: PLC0415  (only this test follows a link)
    from unmentoring.rounds.links import skip_link  # noqa: PLC0415  (as above)

    rnd = schedule(weekly)
    round_cancel(round_id=rnd.pk, reason="Off.", actor=organiser)
    path = path_of(skip_link(rnd.pk, members[0].pk))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 409 and "has been cancelled by the organisers" in response.content.decode()
    members[0].refresh_from_db()
    assert members[0].status == "active"


def test_the_calendar_hold_of_a_changed_group_says_it_is_a_new_version(weekly, members, organiser):
    from unmentoring.rounds.calendar import calendar_file  # noqa: PLC0415  (only this test reads it)
    from unmentoring.rounds.selectors import seat_with_others  # noqa: PLC0415  (as above)

    rnd = drawn_round(weekly)
    stay = _group(rnd, 1).seats.order_by("pk").first()
    assert "SEQUENCE:0" in calendar_file(*seat_with_others(stay.pk))
    member_move(round_id=rnd.pk, membership_id=_latecomer(weekly, 0).pk, to_group_id=_group(rnd, 1).pk,
                reason="Welcome.", actor=organiser, now=rnd.draw_at)
    ics = calendar_file(*seat_with_others(stay.pk))
    assert "SEQUENCE:1" in ics and "Latecomer 0" in ics


def test_full_groups_are_not_offered_and_a_trio_with_someone_gone_is_a_pair(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    member_move(round_id=rnd.pk, membership_id=_latecomer(weekly, 0).pk, to_group_id=_group(rnd, 1).pk,
                reason="r", actor=organiser, now=rnd.draw_at)  # group 1: a trio, full for pairs
    form = _page(client, reverse("console:member-move", args=[weekly.slug, 1, _latecomer(weekly, 1).pk]))
    assert "Group 1:" not in form and "Group 2:" in form
    membership_leave(membership=_group(rnd, 1).seats.order_by("pk").first().membership, now=rnd.draw_at)
    page = _page(client, reverse("console:round", args=[weekly.slug, 1]))
    assert "Split off" not in page  # two are left in group 1
