"""GOV.UK Notify delivery against a stand-in Notify API on loopback (the real one is on the internet)."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.clock import at
from tests.conftest import at_once
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import Outgoing, messages_deliver_due, messages_queue
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import Round
from unmentoring.rounds.services.lifecycle import rounds_advance

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE, SMS_TEMPLATE = str(uuid.uuid4()), str(uuid.uuid4())


class StandInNotify(BaseHTTPRequestHandler):
    """Notify's API as far as we use it, with its limits: a token bucket per key (a 429 RateLimitError
    when it is empty) and a daily limit per service (a 429 TooManyRequestsError)."""

    received: list
    refused: list
    lock = threading.Lock()
    capacity, per_second, tokens, refilled = float("inf"), 0.0, float("inf"), 0.0
    daily_limit, sent = None, 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # a bad signature fails the test
        with self.lock:
            handler = type(self)
            clock = time.monotonic()
            handler.tokens = min(handler.capacity, handler.tokens + (clock - handler.refilled) * handler.per_second)
            handler.refilled = clock
            if handler.daily_limit is not None and handler.sent >= handler.daily_limit:
                error = ("TooManyRequestsError", f"Exceeded send limits ({handler.daily_limit}) for today")
            elif handler.tokens < 1:
                error = ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")
            else:
                error = None
                handler.tokens -= 1
                handler.sent += 1
                self.received.append((self.path, claims["iss"], body))
            if error:
                self.refused.append(error[0])
        self.send_response(429 if error else 201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        answer = ({"status_code": 429, "errors": [{"error": error[0], "message": error[1]}]} if error
                  else {"id": str(uuid.uuid4())})
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


def limited(received, *, capacity=float("inf"), per_second=0.0, daily_limit=None):
    """Give the running stand-in Notify these limits (``received`` is what the ``notify`` fixture gave)."""
    handler = received.handler
    handler.capacity, handler.per_second, handler.tokens = capacity, per_second, capacity
    handler.refilled, handler.daily_limit = time.monotonic(), daily_limit
    return handler


class Received(list):
    handler: type


@pytest.fixture
def notify(settings):
    received = Received()
    handler = type("Handler", (StandInNotify,), {"received": received, "refused": []})
    received.handler = handler
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_API_KEY, settings.NOTIFY_BASE_URL = API_KEY, base_url
    settings.NOTIFY_EMAIL_TEMPLATE_ID, settings.NOTIFY_SMS_TEMPLATE_ID = EMAIL_TEMPLATE, SMS_TEMPLATE
    settings.MAILERS = {"default": {"BACKEND": "unmentoring.notifications.backends.NotifyEmailBackend", "OPTIONS": {
        "api_key": API_KEY, "template_id": EMAIL_TEMPLATE, "base_url": base_url}}}
    yield received
    server.shutdown()


@pytest.mark.django_db
def test_intros_go_through_notify_with_the_calendar_as_a_link(weekly, members, notify):
    rounds_advance(now=at("2027-01-04 08:00"))
    rnd = Round.objects.get()
    rounds_advance(now=rnd.draw_at)
    Message.objects.exclude(template="intro").delete()

    assert messages_deliver_due(now=rnd.draw_at) == 8

    assert len(notify) == 8
    path, issuer, body = notify[0]
    assert (path, issuer, body["template_id"]) == ("/v2/notifications/email", SERVICE_ID, EMAIL_TEMPLATE)
    assert body["personalisation"]["subject"].startswith("Your match for round 1 of Weekly Coffee")
    assert "/r/calendar/" in body["personalisation"]["body"]
    assert body["one_click_unsubscribe_url"].startswith("http://127.0.0.1:8000/r/unsubscribe/")
    assert sorted(b["email_address"] for _, _, b in notify) == sorted(m.person.email for m in members)


@pytest.mark.django_db
def test_members_who_agreed_get_a_text_nudge_as_well(weekly, members, notify):
    Membership.objects.filter(pk=members[0].pk).update(sms_agreed_at=timezone.now(), phone="+447911123456")
    rounds_advance(now=at("2027-01-04 08:00"))
    rnd = Round.objects.get()
    rounds_advance(now=rnd.draw_at)
    rounds_advance(now=rnd.nudge_at)
    Message.objects.exclude(template="nudge").delete()

    messages_deliver_due(now=rnd.nudge_at)

    texts = [body for path, _, body in notify if path == "/v2/notifications/sms"]
    assert [(t["phone_number"], t["template_id"]) for t in texts] == [("+447911123456", SMS_TEMPLATE)]
    assert texts[0]["personalisation"]["body"].startswith("Weekly Coffee: have you met your match for round 1 yet?")
    assert len([p for p, _, _ in notify if p == "/v2/notifications/email"]) == 8
    assert Message.objects.get(channel="sms").headers == {}  # one-click unsubscribe is for email


@pytest.mark.subprocess
def test_a_notify_key_without_an_email_template_is_refused_at_start_up():
    result = subprocess.run([sys.executable, "-m", "unmentoring", "check"], capture_output=True, text=True,
                            env={**os.environ, "NOTIFY_API_KEY": API_KEY}, timeout=60)
    assert result.returncode != 0
    assert "NOTIFY_EMAIL_TEMPLATE_ID is not" in result.stderr


@pytest.mark.django_db
def test_text_reminders_need_a_mobile_number(client, member, settings):
    settings.NOTIFY_API_KEY = API_KEY
    client.force_login(member.person)
    url = reverse("programmes:membership-details", kwargs={"slug": member.programme.slug})
    data = {"organisation": "Org", "role": "Role", "phone": "020 7946 0000", "rhythm": "every", "text_reminders": "on"}
    response = client.post(url, data)
    assert response.context["form"].errors["text_reminders"] == ["To get text reminders, enter a mobile number"]
    assert client.post(url, {**data, "phone": "07911 123456"}).status_code == 302
    member.refresh_from_db()
    assert member.sms_agreed_at is not None


def _queue_emails(count: int) -> None:
    messages_queue([Outgoing(template="already_member", to_email=f"person{n}@example.org", idempotency_key=f"paced:{n}",
                             context={"name": f"Person {n}", "programme_name": "Coffee", "link": "http://x/"})
                    for n in range(count)])


@pytest.mark.django_db
def test_sending_is_paced_to_stay_within_notifys_rate_limit(notify, settings):
    """Notify's bucket here holds 25 and refills 10 a second; ours is set to 600 a minute (a bucket of 20
    refilling 9.7 a second): 60 emails all go, and Notify never has to refuse one."""
    handler = limited(notify, capacity=25, per_second=10)
    settings.NOTIFY_RATE_PER_MINUTE = 600
    _queue_emails(60)
    assert messages_deliver_due() == 60
    assert len(notify) == 60
    assert handler.refused == []
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_429_is_waited_out_and_retried_without_counting_as_a_failed_attempt(notify, settings):
    """Our pace set far above what this Notify allows (a bucket of 5, 20 a second): it answers 429s,
    and every email still goes, each on its first counted attempt."""
    handler = limited(notify, capacity=5, per_second=20)
    settings.NOTIFY_RATE_PER_MINUTE = 100_000
    _queue_emails(30)
    assert messages_deliver_due() == 30
    assert handler.refused and set(handler.refused) == {"RateLimitError"}
    assert len(notify) == 30
    assert set(Message.objects.values_list("status", "attempts", "last_error")) == {("sent", 1, "")}


@pytest.mark.django_db
def test_what_the_days_limit_leaves_goes_the_next_day(notify, settings):
    settings.NOTIFY_DAILY_LIMIT = 5
    _queue_emails(8)
    today = timezone.now()
    tomorrow = datetime.combine(today.astimezone(UTC).date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    assert messages_deliver_due(now=today) == 5
    waiting = Message.objects.filter(status="queued")
    assert waiting.count() == 3
    assert {(m.attempts, m.next_attempt_at) for m in waiting} == {(0, tomorrow)}  # not counted as failed
    assert messages_deliver_due(now=tomorrow - timedelta(seconds=1)) == 0
    assert messages_deliver_due(now=tomorrow + timedelta(minutes=1)) == 3
    assert len(notify) == 8


@pytest.mark.django_db
def test_when_notify_says_the_day_is_full_the_rest_waits_for_the_next_day(notify, settings):
    """Notify's own count can be ahead of ours (another system sends with the same service)."""
    handler = limited(notify, daily_limit=4)
    _queue_emails(7)
    assert messages_deliver_due() == 4
    assert handler.refused == ["TooManyRequestsError"]  # asked once, then the rest waited without asking
    waiting = Message.objects.filter(status="queued")
    assert waiting.count() == 3 and {m.attempts for m in waiting} == {0}
    assert {m.next_attempt_at.astimezone(UTC).time() for m in waiting} == {datetime.min.time()}


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_pace(notify, settings):
    """The bucket is one row for the site: two workers together keep within what one key may send."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers in threads are a PostgreSQL matter; SQLite serialises writers")
    handler = limited(notify, capacity=25, per_second=10)
    settings.NOTIFY_RATE_PER_MINUTE = 600
    _queue_emails(60)
    results = at_once(2, messages_deliver_due)
    assert sum(results) == 60, results
    assert handler.refused == []
    assert len({body["email_address"] for _, _, body in notify}) == 60


@pytest.mark.django_db
def test_a_worker_whose_clock_is_behind_never_takes_the_day_back(settings, monkeypatch):
    from unmentoring.notifications import pacing  # noqa: PLC0415 (its clock is what this test moves)

    settings.NOTIFY_DAILY_LIMIT, settings.NOTIFY_RATE_PER_MINUTE = 3, 100_000
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(pacing.timezone, "now", lambda: tomorrow)
    assert pacing.notify_take("email", 3).granted == 3
    monkeypatch.setattr(pacing.timezone, "now", lambda: tomorrow - timedelta(days=1))  # another worker, behind
    behind = pacing.notify_take("email", 3)
    assert behind.granted == 0 and behind.day_is_full
    assert behind.retry_at.date() == (tomorrow + timedelta(days=1)).astimezone(UTC).date()
    assert pacing.notify_take("sms", 1).granted == 1  # the other channel's count is its own
