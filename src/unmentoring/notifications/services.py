"""The outbox: queue a message once, deliver it in the background, retry with backoff."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def message_queue(
    *,
    template: str,
    to_email: str,
    idempotency_key: str,
    context: dict,
    person=None,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
) -> Message:
    """Render ``template`` (a subject, text and HTML triplet) and put it in the outbox once.

    A second call with the same idempotency key returns the first message and
    queues nothing. Delivery is queued after the surrounding transaction commits.
    """
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    full_context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"notifications/email/{template}.subject.txt", full_context).split())
    message = Message.objects.create(
        idempotency_key=idempotency_key,
        template=template,
        person=person,
        to_email=to_email,
        subject=subject,
        body_text=render_to_string(f"notifications/email/{template}.txt", full_context).strip() + "\n",
        body_html=render_to_string(f"notifications/email/{template}.html", full_context),
        headers=headers or {},
        attachments=attachments or [],
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from unmentoring.notifications.tasks import deliver_message

    deliver_message.enqueue(message_id=message_id)


def _claim(message_id: int, now: datetime) -> Message | None:
    """Take a due message for one delivery attempt; None if it is not due or already done."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED or message.next_attempt_at > now:
            return None
        message.attempts += 1
        # Lease: nobody else picks it up before this attempt's backoff has passed.
        message.next_attempt_at = now + retry_delay(message.attempts)
        message.save(update_fields=["attempts", "next_attempt_at"])
        return message


def build_email(message: Message) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "unmentoring.localhost"
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        # A stable Message-ID: a rare redelivery after a crash is recognisably the same message.
        headers={"Message-ID": f"<{digest}@{domain}>", **message.headers},
    )
    email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["content_type"])
    return email


def message_deliver(*, message_id: int, now: datetime | None = None) -> Message | None:
    """Try to deliver one queued message; on failure schedule a retry, after the last one mark it failed."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    try:
        build_email(message).send(using="default")
    except Exception as error:  # any transport failure: keep the message and retry later
        logger.warning("Delivery of message %s failed (attempt %s): %s", message.pk, message.attempts, error)
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
        message.save(update_fields=["last_error", "status"])
        return message
    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "last_error"])
    return message


def messages_deliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver every queued message whose next attempt is due (the periodic safety net)."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = 0
    for message_id in due:
        message = message_deliver(message_id=message_id, now=now)
        delivered += bool(message and message.status == MessageStatus.SENT)
    return delivered
