"""Personal data is not kept longer than needed: each retention job, and the privacy notice that names it."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.programmes.test_sign_up import VALID, join_url
from unmentoring.core.jobs import tick
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import BLANKED, Outgoing, messages_blank_old, messages_queue
from unmentoring.programmes.models import PendingSignUp
from unmentoring.programmes.services import signups_purge_unconfirmed

pytestmark = pytest.mark.django_db

RETENTION_JOBS = ["signups.purge_unconfirmed", "link_requests.purge", "messages.blank_old", "sessions.clear_expired",
                  "tasks.prune_finished"]


def _sent(key, *, days_ago, status="sent"):
    messages_queue([Outgoing(template="intro", to_email="ada@example.org", idempotency_key=key, context={"seat": 1})])
    Message.objects.filter(idempotency_key=key).update(
        status=status, created_at=timezone.now() - timedelta(days=days_ago), subject="Your match: Bob Brown",
        body_text="Call Bob on +44 7911 123456", body_html="<p>Call Bob</p>", attachments=[{"filename": "round-1.ics"}])


def test_messages_older_than_the_keep_period_are_blanked_and_their_row_and_status_stay(settings):
    settings.OUTBOX_KEEP_DAYS = 90
    _sent("old", days_ago=91)
    _sent("recent", days_ago=89)
    _sent("old-failed", days_ago=200, status="failed")
    _sent("queued", days_ago=200, status="queued")

    assert messages_blank_old() == 2
    old = Message.objects.get(idempotency_key="old")
    assert (old.subject, old.body_text, old.body_html, old.context, old.attachments) == (BLANKED, "", "", {}, [])
    assert (old.status, old.to_email, old.template) == ("sent", "ada@example.org", "intro")
    assert Message.objects.get(idempotency_key="old-failed").body_text == ""
    assert Message.objects.get(idempotency_key="recent").body_text == "Call Bob on +44 7911 123456"
    assert Message.objects.get(idempotency_key="queued").body_text == "Call Bob on +44 7911 123456"
    assert messages_blank_old() == 0  # once is enough


def test_a_purged_sign_up_takes_its_confirmation_email_with_it(client, programme):
    client.post(join_url(programme), VALID)
    pending = PendingSignUp.objects.get()
    assert Message.objects.filter(idempotency_key=f"confirm:{pending.pk}").exists()
    assert signups_purge_unconfirmed(now=timezone.now() + timedelta(days=8)) == 1
    assert not Message.objects.filter(to_email="grace@example.org").exists()


def test_the_address_shown_after_signing_up_is_not_kept_in_the_session(client, programme):
    response = client.post(join_url(programme), VALID, follow=True)
    assert "grace@example.org" in response.text.lower()
    assert "signed_up_email" not in client.session


def test_expired_sessions_are_cleared():
    kept, expired = SessionStore(), SessionStore()
    kept.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    results = tick()
    assert results["sessions.clear_expired"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept.session_key]


def test_the_privacy_notice_names_every_retention_job_and_says_how_long(client, settings):
    settings.OUTBOX_KEEP_DAYS = 45
    page = client.get(reverse("site:privacy")).text
    for job in RETENTION_JOBS:
        assert f"<code>{job}</code>" in page
    assert "blanked 45 days after" in page
    assert set(RETENTION_JOBS) <= set(tick())
