"""The outbox's details, each pinned: what a queued row holds, how delivery is handed to the worker, the
Message-ID, the give-up moment, requeue and blanking (found missing by mutation testing)."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from unmentoring.notifications.models import Message
from unmentoring.notifications.services import (
    BLANKED,
    DELIVER_EACH_UP_TO,
    Outgoing,
    _claim,
    build_email,
    message_deliver,
    message_deliver_alone,
    message_render,
    messages_blank_old,
    messages_deliver_due,
    messages_queue,
    messages_requeue,
)

pytestmark = pytest.mark.django_db

CONTEXT = {"name": "Ada", "link": "http://127.0.0.1:8000/x", "minutes": 15}


def outgoing(key, **fields):
    return Outgoing(template="sign_in", to_email="ada@example.org", idempotency_key=key, context=CONTEXT, **fields)


def test_a_queued_message_keeps_everything_it_was_given(member):
    before = timezone.now()
    messages_queue([outgoing("k", person_id=member.person_id, programme_id=member.programme_id, channel="sms",
                             to_phone="+447911123456")])
    message = Message.objects.get()
    assert (message.person_id, message.programme_id, message.channel, message.to_phone, message.status) == (
        member.person_id, member.programme_id, "sms", "+447911123456", "queued")
    assert before <= message.created_at == message.queued_at == message.next_attempt_at <= timezone.now()


def test_queueing_in_chunks_skips_keys_already_queued_wherever_they_are_in_the_list():
    messages_queue([outgoing("a"), outgoing("c"), outgoing("e")])
    assert messages_queue([outgoing(k) for k in "abcdefg"], batch_size=2) == 4
    assert sorted(Message.objects.values_list("idempotency_key", flat=True)) == list("abcdefg")
    assert messages_queue([outgoing("a"), outgoing("b")]) == 0


@pytest.mark.parametrize(("count", "tasks"), [(DELIVER_EACH_UP_TO, "each"), (DELIVER_EACH_UP_TO + 1, "one")])
def test_a_few_messages_are_each_handed_to_the_worker_and_many_in_one_task(count, tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        messages_queue([outgoing(f"k{n}") for n in range(count)])
    queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    if tasks == "each":
        ids = sorted(Message.objects.values_list("pk", flat=True))
        assert sorted(kwargs["kwargs"]["message_id"] for _path, kwargs in queued) == ids
        assert {path for path, _ in queued} == {"unmentoring.notifications.tasks.deliver_message"}
    else:
        assert [path for path, _ in queued] == ["unmentoring.notifications.tasks.deliver_due_messages"]


def test_the_message_id_is_stable_and_from_the_senders_domain(settings):
    settings.DEFAULT_FROM_EMAIL = "LocalGov Coffee <no-reply@coffee.example.org>"
    messages_queue([outgoing("intro:42")])
    email = build_email(message_render(Message.objects.get()))
    digest = hashlib.sha256(b"intro:42").hexdigest()[:32]
    assert email.extra_headers["Message-ID"] == f"<{digest}@coffee.example.org>"
    assert email.from_email == "LocalGov Coffee <no-reply@coffee.example.org>"
    assert str(email.message()["Message-ID"]) == f"<{digest}@coffee.example.org>"


def test_a_message_that_no_longer_applies_is_cancelled_and_stays_cancelled(weekly, members):
    messages_queue([Outgoing(template="intro", to_email="a@example.org", idempotency_key="gone", context={"seat": 999_999})])
    message = Message.objects.get()
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("cancelled", "Not sent: the member is no longer in this group")
    assert messages_requeue() == 0  # cancelled is not failed


def test_only_a_due_queued_message_is_claimed():
    messages_queue([outgoing("k")])
    message = Message.objects.get()
    assert _claim(message.pk, message.next_attempt_at - timedelta(seconds=1)) is None
    claimed = _claim(message.pk, message.next_attempt_at)
    assert (claimed.attempts, Message.objects.get().attempts) == (1, 1)
    Message.objects.update(status="sent", next_attempt_at=timezone.now() - timedelta(days=1))
    assert _claim(message.pk, timezone.now()) is None


def test_a_failed_attempt_keeps_the_error_and_gives_up_only_past_the_deadline(stopped_smtp_server, settings, caplog):
    settings.OUTBOX_RETRY_HOURS = 1
    messages_queue([outgoing("k")])
    message = Message.objects.get()
    # claimed 59 minutes in: the next try (a minute later) is exactly at the deadline, so it is still made
    message_deliver(message_id=message.pk, now=message.queued_at + timedelta(minutes=59))
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == ("queued", message.queued_at + timedelta(hours=1))
    assert message.last_error.startswith("ConnectionRefusedError: ")
    message_deliver(message_id=message.pk, now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.status == "failed"
    assert f"Gave up on message {message.pk} after 2 attempts: ConnectionRefusedError" in caplog.text


def test_a_very_long_error_is_kept_to_2000_characters(member, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.test_outbox_details.LongFailure"}}
    messages_queue([outgoing("k")])
    message_deliver(message_id=Message.objects.get().pk)
    assert len(Message.objects.get().last_error) == 2000


class LongFailure:
    """A mail backend whose server always answers with a very long error (a real backend class, configured)."""

    def __init__(self, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise RuntimeError("x" * 5000)


def test_a_delivery_batch_takes_only_due_queued_messages_in_pages(smtp_server):
    messages_queue([outgoing(f"k{n}") for n in range(5)])
    Message.objects.filter(idempotency_key="k0").update(status="failed")
    Message.objects.filter(idempotency_key="k1").update(next_attempt_at=timezone.now() + timedelta(hours=1))
    assert messages_deliver_due(batch=2) == 3
    assert dict(Message.objects.values_list("idempotency_key", "status")) == {
        "k0": "failed", "k1": "queued", "k2": "sent", "k3": "sent", "k4": "sent"}


def test_rendering_keeps_subjects_to_250_characters_and_ends_the_text_with_one_line_break():
    messages_queue([Outgoing(template="already_member", to_email="a@example.org", idempotency_key="long",
                             context={"name": "Ada", "programme_name": "P" * 400, "link": "x"})])
    message = message_render(Message.objects.get())
    message.refresh_from_db()
    assert len(message.subject) == 250
    assert message.body_text.endswith("\n") and not message.body_text.endswith("\n\n")
    assert message.rendered_at is not None


def test_a_text_message_has_no_subject_and_no_html_part():
    messages_queue([Outgoing(template="nudge", channel="sms", to_phone="+447911123456", idempotency_key="sms",
                             context={"programme_name": "P", "round_number": 1, "window_end": "Monday",
                                      "name": "A", "checkin_link": "x", "rematch_link": "y", "round_link": "z",
                                      "unsubscribe_link": "u", "account_link": "a"})])
    message = message_render(Message.objects.get())
    assert (message.subject, message.body_html, message.headers) == ("", "", {})
    assert message.body_text.startswith("P: have you met your match for round 1 yet?")


def test_requeue_starts_each_failed_message_afresh_and_can_take_only_some(member):
    messages_queue([outgoing(f"k{n}") for n in range(3)])
    Message.objects.update(template="already_member", status="failed", attempts=9, last_error="boom",
                           queued_at=timezone.now() - timedelta(days=4))
    first, second, _third = Message.objects.order_by("pk")
    assert messages_requeue(ids=[first.pk, second.pk]) == 2
    requeued = Message.objects.get(pk=first.pk)
    assert (requeued.status, requeued.attempts, requeued.last_error) == ("queued", 0, "")
    assert requeued.queued_at > timezone.now() - timedelta(minutes=1)
    assert Message.objects.filter(status="failed").count() == 1


def test_blanking_removes_the_headers_too(settings):
    settings.OUTBOX_KEEP_DAYS = 1
    messages_queue([outgoing("k")])
    Message.objects.update(status="sent", headers={"List-Unsubscribe": "<http://x/r/unsubscribe/t/>"},
                           created_at=timezone.now() - timedelta(days=2))
    messages_blank_old()
    assert (Message.objects.get().headers, Message.objects.get().subject) == ({}, BLANKED)


def test_requeue_leaves_out_blanked_messages_and_old_alerts(member, settings):
    settings.OUTBOX_KEEP_DAYS = 90
    messages_queue([outgoing("blanked"), outgoing("alert"), outgoing("fine")])
    Message.objects.update(template="already_member", status="failed", created_at=timezone.now() - timedelta(days=100))
    Message.objects.filter(idempotency_key="alert").update(template="delivery_failed")
    Message.objects.filter(idempotency_key="fine").update(created_at=timezone.now())
    messages_blank_old()
    assert messages_requeue() == 1
    assert list(Message.objects.filter(status="queued").values_list("idempotency_key", flat=True)) == ["fine"]


def test_a_message_given_up_on_alone_is_announced_like_a_batch(member, stopped_smtp_server, settings):
    settings.OUTBOX_RETRY_HOURS = 0
    organiser = member.person
    member.programme.organisers.add(organiser)
    messages_queue([outgoing("alone", programme_id=member.programme_id)])
    message_deliver_alone(message_id=Message.objects.get().pk)
    assert Message.objects.get(idempotency_key="alone").status == "failed"
    assert list(Message.objects.filter(template="delivery_failed").values_list("to_email", flat=True)) == [organiser.email]


def test_an_outage_given_up_on_across_many_batches_is_one_alert_per_organiser(member, stopped_smtp_server, settings):
    """Delivery claims 20 at a time; giving up on 45 messages in one run still tells each organiser once."""
    settings.OUTBOX_RETRY_HOURS = 0
    organiser = member.person
    member.programme.organisers.add(organiser)
    messages_queue([outgoing(f"outage{n}", programme_id=member.programme_id) for n in range(45)])
    messages_deliver_due()
    assert Message.objects.filter(status="failed").exclude(template="delivery_failed").count() == 45
    alerts = Message.objects.filter(template="delivery_failed")
    assert list(alerts.values_list("to_email", flat=True)) == [organiser.email]
    assert alerts.get().context["count"] == 45
