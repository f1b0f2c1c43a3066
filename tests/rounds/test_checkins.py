"""Members' answers after a round."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import Client

from tests.factories import ProgrammeFactory
from tests.links import path_of
from tests.rounds.helpers import drawn_round, schedule
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import CheckIn, Round, Seat
from unmentoring.rounds.selectors import seat_with_others
from unmentoring.rounds.services import checkins
from unmentoring.rounds.services.checkins import CheckInAnswer, _seat_of_open_round, checkin_record
from unmentoring.rounds.services.lifecycle import round_close, rounds_advance

pytestmark = pytest.mark.django_db


@pytest.mark.django_db
def test_check_ins_cannot_change_after_the_round_closes(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).first()
    rounds_advance(now=rnd.close_at)
    with pytest.raises(ApplicationError, match="has closed"):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3))


@contextmanager
def _waiting_at_most(timeout: str):
    """A transaction whose every lock wait gives up after ``timeout`` (PostgreSQL), rather than hang."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
        yield


@contextmanager
def _held_elsewhere(take_lock):
    """Inside the block, another connection (a thread) holds what ``take_lock()`` locks, in a transaction
    it ends only when the block does; whatever went wrong in that thread fails the test."""
    holding, release, failed = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                take_lock()
                holding.set()
                release.wait(30)
        except Exception as error:  # handed to the test below
            failed.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(30)
        yield
    finally:
        release.set()
        thread.join(30)
    assert not thread.is_alive() and failed == []


@pytest.mark.django_db(transaction=True)
def test_check_ins_go_side_by_side_and_a_close_waits_for_them(weekly, members):
    """PostgreSQL: each check-in holds the round's row FOR SHARE, so members' answers do not queue behind
    one another, while a close (FOR UPDATE) waits for any answer under way and no answer slips in after it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter; SQLite serialises writers")
    rnd = drawn_round(weekly)
    first, second = Seat.objects.filter(group__round=rnd).order_by("pk")[:2]
    # a check-in that has taken its lock and not yet finished
    with _held_elsewhere(lambda: _seat_of_open_round(first.pk)):
        with _waiting_at_most("2s"):  # another member's answer goes in without waiting ...
            checkin_record(seat_id=second.pk, answer=CheckInAnswer(met="yes", challenge=3))
        with pytest.raises(OperationalError, match="lock timeout"), _waiting_at_most("300ms"):  # ... a close waits
            round_close(round_id=rnd.pk, now=rnd.close_at)
    with _waiting_at_most("5s"):
        assert round_close(round_id=rnd.pk, now=rnd.close_at).state == "closed"
    with pytest.raises(ApplicationError, match="has closed"):
        checkin_record(seat_id=first.pk, answer=CheckInAnswer(met="yes", challenge=4))
    assert CheckIn.objects.get(seat=second).challenge == 3 and not CheckIn.objects.filter(seat=first).exists()


@pytest.mark.django_db(transaction=True)
def test_a_check_in_while_a_close_holds_the_round_waits_a_moment_then_says_busy_and_writes_nothing(weekly, members,
                                                                                                  monkeypatch):
    """PostgreSQL: a close holds the round's row for as long as it takes to queue every round-up (two minutes
    at 100,000 members). A check-in then waits CHECKIN_LOCK_WAIT_MS, not the whole close, holding a web thread."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter; SQLite serialises writers")
    monkeypatch.setattr(checkins, "CHECKIN_LOCK_WAIT_MS", 300)
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    rounds_advance(now=rnd.window_ends_at)
    message = message_render(Message.objects.filter(template="checkin_request").order_by("pk").first())
    link = next(path_of(word) for word in message.body_text.split() if "/r/check-in/" in word).split("?")[0]
    browser = Client(raise_request_exception=False)
    # the round's row locked as round_close locks it
    with _held_elsewhere(lambda: Round.objects.select_for_update().get(pk=rnd.pk)):
        started = time.monotonic()
        busy = browser.post(link, {"met": "yes", "challenge": "3"})
        waited = time.monotonic() - started
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert "Sorry, the service is busy" in busy.content.decode()
    assert waited < 5 and not CheckIn.objects.exists()
    assert browser.post(link, {"met": "yes", "challenge": "3"}).status_code == 302  # once the row is free
    assert CheckIn.objects.get().challenge == 3
    seat = CheckIn.objects.get().seat_id
    with connection.cursor() as cursor:  # the limit was for that one wait, not the connection ...
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"
    with _waiting_at_most("2s"):  # ... nor the rest of a caller's transaction
        checkin_record(seat_id=seat, answer=CheckInAnswer(met="yes", challenge=4))
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "2s"


def test_the_check_in_link_records_an_answer_without_sign_in(client, weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    rounds_advance(now=rnd.window_ends_at)
    message = message_render(Message.objects.filter(template="checkin_request").order_by("pk").first())
    link = next(path_of(word) for word in message.body_text.split() if "/r/check-in/" in word).split("?")[0]

    assert client.post(link, {}).context["form"].errors["met"] == ["Select whether you met"]
    assert client.post(link, {"met": "maybe"}).context["form"].errors["met"] == ["Select whether you met"]
    assert CheckIn.objects.count() == 0
    assert client.post(link, {"met": "yes"}).status_code == 200  # shown again: how much did it challenge you?
    assert client.post(link, {"met": "planned"}).status_code == 302
    assert list(CheckIn.objects.values_list("met", flat=True)) == ["planned"]
    assert client.post(link[:-3] + "xyz/", {"met": "yes"}).status_code == 400


@pytest.mark.django_db
def test_the_seat_a_link_reads_keeps_its_members_own_programme(weekly, members):
    """The seat's programme is read once and shared with its membership, only when they are the same."""
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).first()
    found, _ = seat_with_others(seat.pk)
    assert found.membership.programme is found.group.round.programme  # one object, one query
    other = ProgrammeFactory()
    Membership.objects.filter(pk=seat.membership_id).update(programme=other)  # as no service would
    found, _ = seat_with_others(seat.pk)
    assert found.membership.programme_id == other.pk and found.membership.programme == other


@pytest.mark.django_db
def test_a_check_in_for_a_seat_gone_meanwhile_says_so(weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).first()
    Seat.objects.filter(pk=seat.pk).delete()
    with transaction.atomic(), pytest.raises(Seat.DoesNotExist):
        _seat_of_open_round(seat.pk)
