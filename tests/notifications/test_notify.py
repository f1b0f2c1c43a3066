"""GOV.UK Notify delivery against a stand-in Notify API on loopback (the real one is on the internet)."""

import json
import os
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clock import at
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import messages_deliver_due
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import Round
from unmentoring.rounds.services.lifecycle import rounds_advance

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE, SMS_TEMPLATE = str(uuid.uuid4()), str(uuid.uuid4())


class StandInNotify(BaseHTTPRequestHandler):
    received: list

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # a bad signature fails the test
        self.received.append((self.path, claims["iss"], body))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": str(uuid.uuid4())}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(settings):
    handler = type("Handler", (StandInNotify,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_API_KEY, settings.NOTIFY_BASE_URL = API_KEY, base_url
    settings.NOTIFY_EMAIL_TEMPLATE_ID, settings.NOTIFY_SMS_TEMPLATE_ID = EMAIL_TEMPLATE, SMS_TEMPLATE
    settings.MAILERS = {"default": {"BACKEND": "unmentoring.notifications.backends.NotifyEmailBackend", "OPTIONS": {
        "api_key": API_KEY, "template_id": EMAIL_TEMPLATE, "base_url": base_url}}}
    yield handler.received
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
