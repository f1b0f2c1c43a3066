"""Paths that carry one value per member, seat or group: none of them meets a cap on a query's parameters.

At 100,000 members a list of ids passed with ``__in`` runs past the database's cap (SQLite's 32,766 in a
default build; PostgreSQL's 65,535 with server-side parameters). Here SQLite's cap is lowered to 64, above
the widest single row the app writes, and each path is given more members than that.
"""

from django.urls import reverse

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import SCHEDULED_AT, drawn_round, schedule
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import Outgoing, messages_delete, messages_deliver_due, messages_queue, messages_requeue
from unmentoring.programmes.models import Membership
from unmentoring.programmes.services import memberships_set_first_in_line
from unmentoring.rounds.services.lifecycle import round_close, rounds_advance
from unmentoring.rounds.services.steering import round_cancel

CAP = 64
MANY = 80  # more members than the cap


def _members(programme, count=MANY):
    return [MembershipFactory(programme=programme, organisation=f"Org {n % 5}",
                              person=PersonFactory(full_name=f"Member {n}", email=f"m{n}@example.org"))
            for n in range(count)]


def test_a_round_told_to_more_members_than_the_cap_is_cancelled_and_each_is_told(weekly, organiser, few_parameters):
    members = _members(weekly)
    rnd = schedule(weekly)
    rounds_advance(now=rnd.notice_at)
    messages_deliver_due()  # every notice is out
    with few_parameters(CAP):
        round_cancel(round_id=rnd.pk, reason="A strike day.", actor=organiser, now=rnd.notice_at)
    told = set(Message.objects.filter(template="round_cancelled").values_list("person_id", flat=True))
    assert told == {m.person_id for m in members}


def test_more_members_than_the_cap_silent_for_three_rounds_are_all_paused(weekly, few_parameters):
    _members(weekly)
    moment = SCHEDULED_AT
    for number in (1, 2, 3):
        rounds_advance(now=moment)
        rnd = weekly.rounds.get(number=number)
        rounds_advance(now=rnd.draw_at)
        moment = rnd.close_at
        if number < 3:
            rounds_advance(now=moment)
    assert not Membership.objects.filter(status="paused").exists()
    with few_parameters(CAP):
        round_close(round_id=rnd.pk, now=rnd.close_at)  # the third silent round closes
    assert set(Membership.objects.values_list("status", flat=True)) == {"paused"}
    assert Message.objects.filter(template="paused_silent").count() == MANY


def test_the_organisers_round_page_shows_more_groups_than_the_cap(client, weekly, organiser, few_parameters):
    _members(weekly, count=2 * MANY)
    rnd = drawn_round(weekly)
    assert rnd.groups.count() > CAP
    with few_parameters(CAP):
        page = client.get(reverse("console:round", args=[weekly.slug, 1]))
        move = client.get(reverse("console:member-move", args=[weekly.slug, 1, Membership.objects.first().pk]))
    assert page.status_code == 200 and move.status_code == 200
    assert all(f"Member {n}</" in page.content.decode() for n in range(2 * MANY))


def test_more_members_than_the_cap_are_marked_first_in_line_at_once(weekly, few_parameters):
    members = _members(weekly)
    with few_parameters(CAP):
        assert memberships_set_first_in_line(membership_ids=[m.pk for m in members], first=True) == MANY
    assert Membership.objects.filter(first_in_line=True).count() == MANY


def test_more_messages_than_the_cap_are_queued_requeued_and_deleted_by_id_and_key(db, few_parameters):
    def outgoing(n):
        return Outgoing(template="sign_in", to_email="ada@example.org", idempotency_key=f"k{n}", context={"link": "http://x/"})

    messages_queue([outgoing(n) for n in range(MANY // 2)])
    with few_parameters(CAP):
        # The check for keys already queued takes every key at once: half are, half are new.
        assert messages_queue([outgoing(n) for n in range(MANY)]) == MANY - MANY // 2
        Message.objects.update(template="already_member", status="failed")
        assert messages_requeue(ids=list(Message.objects.values_list("pk", flat=True))) == MANY
        assert messages_delete(idempotency_keys=[f"k{n}" for n in range(MANY)]) == MANY
    assert not Message.objects.exists()
