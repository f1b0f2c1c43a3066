"""The house move keeps every row: a database built with the migrations of before the move, holding
people, memberships, past rounds, seats, check-ins, blocks, reports and messages, is migrated forward and
every row is still there, reachable through the new models (Seat, rounds.CheckIn, accounts.Block)."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from unmentoring.accounts.models import Block, LinkRequest, Person
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.outcomes.models import Report
from unmentoring.programmes.models import Membership, PendingSignUp
from unmentoring.rounds.models import CheckIn, Group, Round, Seat

BEFORE_THE_MOVE = [
    ("accounts", "0001_people_and_link_requests"),
    ("core", "0002_audit_actor_reverse_name"),
    ("notifications", "0002_text_messages"),
    ("outcomes", "0001_checkins_blocks_and_reports"),
    ("programmes", "0005_membership_resumed_at"),
    ("rounds", "0002_organisers_only_draw_problem"),
]
UTC = dt.UTC


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _old_data(apps) -> dict:
    """What a live site holds before the move, written through the models as they were."""
    get = apps.get_model
    now = dt.datetime(2026, 11, 1, 9, tzinfo=UTC)
    people = [get("accounts", "Person").objects.create(email=f"p{i}@example.org", full_name=f"Person {i}", password="!",
                                                       email_confirmed_at=now) for i in range(3)]
    programme = get("programmes", "Programme").objects.create(name="Coffee", slug="coffee", summary="s")
    memberships = [
        get("programmes", "Membership").objects.create(
            person=person, programme=programme, organisation=f"Org {i}", role="r", phone="+447911123456",
            rules_agreed_at=now, sharing_agreed_at=now, confirmed_at=now, **fields)
        for i, (person, fields) in enumerate(zip(people, [
            {},
            {"status": "paused", "paused_until": dt.date(2027, 1, 1)},  # paused by themselves: no reason was kept
            {"pause_reason": "silent", "resumed_at": now},  # resumed after a silent pause: the reason stayed
        ], strict=True))
    ]
    rnd = get("rounds", "Round").objects.create(
        programme=programme, number=1, state="closed", seed="ab" * 32, seed_sha256="cd" * 32, notice_at=now,
        draw_at=now + dt.timedelta(days=3), nudge_at=now + dt.timedelta(days=10), window_ends_at=now + dt.timedelta(days=17),
        close_at=now + dt.timedelta(days=22), drawn_at=now + dt.timedelta(days=3), closed_at=now + dt.timedelta(days=22))
    group = get("rounds", "Group").objects.create(round=rnd, number=1, explanation="first meeting; different organisations")
    seats = [get("rounds", "GroupMember").objects.create(group=group, membership=m, organisation=m.organisation,
                                                          rematch_outcome=outcome)
             for m, outcome in zip(memberships[:2], ["", "waiting"], strict=True)]
    checkin = get("outcomes", "CheckIn").objects.create(seat=seats[0], met="yes")
    get("outcomes", "CheckIn").objects.create(seat=seats[1], met="not_yet")  # the old "not yet"
    block = get("outcomes", "Block").objects.create(blocker=people[0], blocked=people[1])
    report = get("outcomes", "Report").objects.create(seat=seats[0], reporter=people[0], about=people[1], what_happened="A pitch")
    message = get("notifications", "Message").objects.create(idempotency_key=f"intro:{seats[0].pk}", template="intro",
                                                             to_email=people[0].email, person=people[0],
                                                             context={"seat": seats[0].pk}, status="sent")
    get("core", "AuditEvent").objects.create(actor=people[0], action="report.submit", subject=f"person:{people[1].pk}")
    get("accounts", "LinkRequest").objects.create(kind="sign_in", email=people[0].email, ip="127.0.0.1")
    get("programmes", "PendingSignUp").objects.create(programme=programme, email="new@example.org", full_name="New",
                                                      organisation="o", role="r", phone="+447911123456", agreed_at=now)
    content_type = get("contenttypes", "ContentType").objects.get_or_create(app_label="outcomes", model="checkin")[0]
    return {"people": [p.pk for p in people], "memberships": [m.pk for m in memberships], "round": rnd.pk, "group": group.pk,
            "seats": [s.pk for s in seats], "checkin": checkin.pk, "block": block.pk, "report": report.pk,
            "message": message.pk, "checkin_type": content_type.pk}


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_keeps_every_row_and_reaches_it_through_the_new_models():
    old = _old_data(_migrate(BEFORE_THE_MOVE))
    LogEntry.objects.create(content_type_id=old["checkin_type"], object_id=str(old["checkin"]), object_repr="a check-in",
                            action_flag=2, user_id=old["people"][0])

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    seats = list(Seat.objects.order_by("pk"))
    assert [s.pk for s in seats] == old["seats"]
    assert [s.rematch_outcome for s in seats] == ["", "waiting"]
    group = Group.objects.get(pk=old["group"])
    assert sorted(group.seats.values_list("membership_id", flat=True)) == old["memberships"][:2]
    assert group.round == Round.objects.get(pk=old["round"])
    checkin = CheckIn.objects.get(pk=old["checkin"])
    assert (checkin.seat, checkin.met) == (seats[0], "yes")
    assert seats[0].checkin == checkin
    # The full check-in: the old answers kept, "not yet" now "planned", nothing published.
    assert list(CheckIn.objects.order_by("pk").values_list("met", "publish", "learned", "challenge")) == [
        ("yes", "private", "", None), ("planned", "private", "", None)]
    block = Block.objects.get(pk=old["block"])
    assert (block.blocker_id, block.blocked_id) == tuple(old["people"][:2])
    assert list(Person.objects.get(pk=old["people"][0]).blocks_made.all()) == [block]
    report = Report.objects.get(pk=old["report"])
    assert (report.seat, report.what_happened) == (seats[0], "A pitch")
    assert Message.objects.get(pk=old["message"]).context == {"seat": seats[0].pk}
    assert (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count(),
            LinkRequest.objects.count(), PendingSignUp.objects.count()) == (3, 3, 1, 1, 1)
    # Pause reasons: a pause always has one, an active membership none.
    reasons = dict(Membership.objects.values_list("pk", "pause_reason"))
    assert [reasons[pk] for pk in old["memberships"]] == ["", "asked", ""]
    # The check-in's content type moved with it, so the admin's history still finds it.
    assert ContentType.objects.get_for_model(CheckIn).pk == old["checkin_type"]
    assert LogEntry.objects.get().get_edited_object() == checkin
    # New rows go on from the old ones.
    assert Seat.objects.create(group=group, organisation="Org 9").pk > max(old["seats"])
