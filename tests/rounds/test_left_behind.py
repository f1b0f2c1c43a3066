"""Nobody is left behind in a group: when someone goes mid-round, the rest hear and may ask for a new match."""

from datetime import timedelta

import pytest

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import drawn_round, link_in
from unmentoring.accounts.services import person_erase
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.services import membership_leave
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance
from unmentoring.rounds.services.rematch import seat_request_rematch

pytestmark = pytest.mark.django_db


def _pair(rnd, index=0):
    seat = Seat.objects.filter(group__round=rnd).order_by("group__number", "pk")[index * 2]
    return seat, Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()


def _told(seat):
    return [message_render(m) for m in Message.objects.filter(template="left_behind", person_id=seat.membership.person_id)]


def test_when_my_match_leaves_the_programme_i_am_told_and_can_ask_for_a_new_match(client, weekly, members):
    rnd = drawn_round(weekly)
    leaver, me = _pair(rnd, 0)
    other_leaver, other_me = _pair(rnd, 1)

    membership_leave(membership=leaver.membership, now=rnd.draw_at + timedelta(days=1))
    [message] = _told(me)
    assert message.subject == f"Your match has left: round 1 of {weekly.name}"
    assert "has left the programme" in message.body_text
    assert leaver.membership.person.full_name not in message.body_text + message.body_html
    assert Message.objects.filter(template="left_behind").count() == 1  # only the one left behind

    # The round page and the check-in no longer name (or give the details of) who left.
    client.force_login(me.membership.person)
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert leaver.membership.person.email not in page and "Everyone else in this group has left" in page
    checkin = client.get(link_in(message, "/r/check-in/"))
    assert checkin.status_code == 200
    assert leaver.membership.person.full_name not in checkin.content.decode()

    # Someone else left behind asks too: the two are matched together.
    membership_leave(membership=other_leaver.membership, now=rnd.draw_at + timedelta(days=1))
    for told in (message, _told(other_me)[0]):
        assert client.post(link_in(told, "/r/new-match/")).status_code == 200
    me.refresh_from_db()
    other_me.refresh_from_db()
    assert me.rematch_outcome == other_me.rematch_outcome == "regrouped"
    new = Seat.objects.get(group__is_rematch=True, membership=me.membership)
    assert set(new.group.seats.values_list("membership", flat=True)) == {me.membership_id, other_me.membership_id}


def test_a_match_who_unsubscribes_or_deletes_their_account_leaves_the_rest_told_without_naming_them(client, weekly, members):
    rnd = drawn_round(weekly)
    unsubscriber, me = _pair(rnd, 0)
    eraser, you = _pair(rnd, 1)

    unsubscribe = link_in(Message.objects.get(template="intro", context__seat=unsubscriber.pk), "/r/unsubscribe/")
    client.post(unsubscribe)
    erased_name = eraser.membership.person.full_name
    person_erase(person=eraser.membership.person)

    for seat in (me, you):
        [message] = _told(seat)
        assert "has left the programme" in message.body_text
        assert erased_name not in message.body_text + message.body_html + message.subject


def test_asking_for_a_new_match_tells_my_match_who_may_ask_too(weekly, members):
    rnd = drawn_round(weekly)
    asker, me = _pair(rnd, 0)
    seat_request_rematch(seat_id=asker.pk, now=rnd.draw_at + timedelta(days=1))
    [message] = _told(me)
    assert message.subject == f"Your match asked for a new match: round 1 of {weekly.name}"
    seat_request_rematch(seat_id=me.pk, now=rnd.draw_at + timedelta(days=2))
    seat_request_rematch(seat_id=asker.pk, now=rnd.draw_at + timedelta(days=2))  # asking again tells nobody again
    assert [m.person_id for m in Message.objects.filter(template="left_behind")] == [me.membership.person_id]


def test_in_a_trio_the_two_left_are_told_they_still_have_each_other(weekly, members):
    MembershipFactory(programme=weekly, organisation="Org 9", person=PersonFactory(full_name="Nine"))
    rnd = drawn_round(weekly)
    trio = next(g for g in rnd.groups.all() if g.seats.count() == 3)
    leaver, *rest = trio.seats.order_by("pk")
    membership_leave(membership=leaver.membership, now=rnd.draw_at + timedelta(hours=1))
    for seat in rest:
        [message] = _told(seat)
        assert message.subject.startswith("Someone in your group has left")
        assert "carry on with the other person in your group" in message.body_text


def test_nobody_is_told_after_the_window_or_when_they_have_already_met(weekly, members):
    rnd = drawn_round(weekly)
    leaver, met = _pair(rnd, 0)
    late_leaver, late = _pair(rnd, 1)
    checkin_record(seat_id=met.pk, answer=CheckInAnswer(met="yes", challenge=4))
    membership_leave(membership=leaver.membership, now=rnd.draw_at + timedelta(days=1))
    membership_leave(membership=late_leaver.membership, now=rnd.window_ends_at)
    assert not Message.objects.filter(template="left_behind").exists()


def test_the_check_in_request_goes_only_to_those_still_in_a_group(weekly, members):
    rnd = drawn_round(weekly)
    leaver, me = _pair(rnd, 0)
    membership_leave(membership=leaver.membership, now=rnd.draw_at + timedelta(days=1))
    rounds_advance(now=rnd.window_ends_at)
    asked = set(Message.objects.filter(template="checkin_request").values_list("person_id", flat=True))
    assert me.membership.person_id in asked and leaver.membership.person_id not in asked
