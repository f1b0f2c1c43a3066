"""The outbox: queue a message once, deliver it in the background, retry with backoff."""

from __future__ import annotations

import email.policy
import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from unmentoring.notifications.backends import notify_send_sms
from unmentoring.notifications.enums import Channel, MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.notifications.registry import MessageNoLongerApplies, prepare

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
# Messages whose links are dead long before a requeue could send them: asking again is quicker.
NOT_REQUEUED = {"sign_in"}
# The alert about undeliverable mail is never itself the subject of an alert.
DELIVERY_FAILED = "delivery_failed"

# Sent after a delivery batch in which messages were given up on, with ``counts`` ({programme_id or None:
# count}), ``batch`` (an id for the batch) and ``last_error``. The apps that know who organises what
# (programmes, accounts) connect receivers that queue the alerts with ``delivery_failed_message``.
messages_given_up = Signal()


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most an hour."""
    return min(BACKOFF_BASE * (2 ** min(max(attempts - 1, 0), 16)), BACKOFF_CAP)


def retry_for() -> timedelta:
    return timedelta(hours=settings.OUTBOX_RETRY_HOURS)


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: a template triplet, a recipient and a JSON-serialisable context.

    A context with an ``unsubscribe_link`` gets RFC 8058 one-click
    ``List-Unsubscribe`` headers when it is rendered; callers never build headers.
    """

    template: str
    idempotency_key: str
    context: dict
    to_email: str = ""
    person_id: int | None = None
    channel: str = Channel.EMAIL
    to_phone: str = ""
    programme_id: int | None = None  # whose organisers hear if it cannot be delivered


# Up to this many messages queued together are each handed to a worker at once (a sign-in
# link should not wait behind a draw's intros); more are left to one "deliver what is due" task.
DELIVER_EACH_UP_TO = 10


def messages_queue(outgoing: Iterable[Outgoing], *, batch_size: int = 2000) -> int:
    """Put messages in the outbox, each once: a key already queued is skipped. Returns how many were new.

    Call it inside the transaction that makes the messages true: delivery is
    handed to the task worker only after that transaction commits.
    """
    outgoing = list(outgoing)
    keys = [o.idempotency_key for o in outgoing]
    existing: set[str] = set()
    for start in range(0, len(keys), batch_size):
        existing.update(
            Message.objects.filter(idempotency_key__in=keys[start : start + batch_size]).values_list("idempotency_key", flat=True)
        )
    now = timezone.now()
    rows, seen = [], set(existing)
    for o in outgoing:
        if o.idempotency_key in seen:
            continue
        seen.add(o.idempotency_key)
        rows.append(Message(idempotency_key=o.idempotency_key, template=o.template, to_email=o.to_email, context=o.context,
                            person_id=o.person_id, channel=o.channel, to_phone=o.to_phone, programme_id=o.programme_id,
                            next_attempt_at=now, created_at=now, queued_at=now))
    if not rows:
        return 0
    # ignore_conflicts: a concurrent transaction that queued the same key first wins, quietly.
    Message.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    if len(rows) <= DELIVER_EACH_UP_TO:
        ids = list(Message.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows]).values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue_each(ids))
    else:
        transaction.on_commit(_enqueue_due_delivery)
    return len(rows)


def _enqueue_each(message_ids: list[int]) -> None:
    from unmentoring.notifications.tasks import deliver_message  # noqa: PLC0415  (tasks import this module)

    for message_id in message_ids:
        deliver_message.enqueue(message_id=message_id)


def _enqueue_due_delivery() -> None:
    from unmentoring.notifications.tasks import deliver_due_messages  # noqa: PLC0415  (tasks import this module)

    deliver_due_messages.enqueue()


def unsubscribe_headers(context: dict) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe headers for a message whose context has an ``unsubscribe_link``.

    A message that is one of several kinds a member can stop on its own (the round-up) names that link
    as ``list_unsubscribe_link``: a mail client's "Unsubscribe" then stops those, not the membership.
    """
    link = context.get("list_unsubscribe_link") or context.get("unsubscribe_link")
    if not link:
        return {}
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _render_plain(name: str, context: dict) -> str:
    """A subject, text body or text message: plain text, so never HTML-escaped ("O'Brien & Co", not "O&#x27;Brien &amp; Co")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def message_render(message: Message, *, save: bool = True) -> Message:
    """Fill in the subject, bodies, headers and attachments from the template and context."""
    prepared = prepare(message.template, message.context)
    context = prepared.context
    name = f"notifications/email/{message.template}"
    if message.channel == Channel.SMS:
        message.subject, message.body_html = "", ""
        message.body_text = " ".join(_render_plain(f"notifications/sms/{message.template}.txt", context).split())
    else:
        message.subject = " ".join(_render_plain(f"{name}.subject.txt", context).split())[:250]
        message.body_text = _render_plain(f"{name}.txt", context).strip() + "\n"
        message.body_html = render_to_string(f"{name}.html", context)
    message.headers = unsubscribe_headers(prepared.context) if message.channel == Channel.EMAIL else {}
    message.attachments = prepared.attachments
    message.rendered_at = timezone.now()
    if save:
        message.save(update_fields=["subject", "body_text", "body_html", "headers", "attachments", "rendered_at"])
    return message


def _claim(message_id: int, now: datetime) -> Message | None:
    """Take a due message for one delivery attempt; None if it is not due or already done."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED or message.next_attempt_at > now:
            return None
        message.attempts += 1
        # Lease: nobody else picks it up before this attempt's backoff has passed, counted from
        # the moment of the claim (a long batch's ``now`` is its start, already in the past).
        message.next_attempt_at = max(now, timezone.now()) + retry_delay(message.attempts)
        message.save(update_fields=["attempts", "next_attempt_at"])
        return message


class OutboxEmail(EmailMultiAlternatives):
    """An email whose headers are not refolded under 78 characters.

    The email package folds a long header that has no spaces (a List-Unsubscribe URL) by turning it into
    RFC 2047 encoded words (``=?utf-8?q?=3Chttps…``), which mail providers do not read as a link, so
    they offer no one-click unsubscribe. Lines up to RFC 5322's hard limit of 998 characters avoid it.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def build_email(message: Message) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "unmentoring.localhost"
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    mail = OutboxEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        # A stable Message-ID: a rare redelivery after a crash is recognisably the same message.
        headers={"Message-ID": f"<{digest}@{domain}>", **message.headers},
    )
    mail.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        mail.attach(attachment["filename"], attachment["content"], attachment["content_type"])
    return mail


def _gave_up(message: Message | None) -> bool:
    return bool(message and message.status == MessageStatus.FAILED and message.template != DELIVERY_FAILED)


def _announce_given_up(counts: Counter, last_error: str) -> None:
    if counts:
        messages_given_up.send(sender=Message, counts=dict(counts), batch=uuid.uuid4().hex, last_error=last_error)


def message_deliver_alone(*, message_id: int) -> Message | None:
    """Deliver one message (the task queued for a few messages), alerting as a batch would if it is given up on."""
    message = message_deliver(message_id=message_id)
    if _gave_up(message):
        _announce_given_up(Counter({message.programme_id: 1}), message.last_error)
    return message


def message_deliver(*, message_id: int, now: datetime | None = None, mailer=None) -> Message | None:
    """Try to deliver one queued message; on failure it is retried later, for OUTBOX_RETRY_HOURS, then marked failed.

    ``mailer`` is an open mail connection to reuse (a batch sends over one SMTP session).
    """
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    try:
        if message.rendered_at is None:
            message_render(message)
    except MessageNoLongerApplies as gone:
        message.status = MessageStatus.CANCELLED
        message.last_error = f"Not sent: {gone}"
        message.save(update_fields=["status", "last_error"])
        return message
    except Exception as error:  # a template or data error: count it as a failed attempt, keep the batch going
        logger.exception("Rendering message %s failed", message.pk)
        return _attempt_failed(message, error, now)
    try:
        if message.channel == Channel.SMS:
            notify_send_sms(phone_number=message.to_phone, body=message.body_text, reference=message.idempotency_key)
        elif mailer is not None:
            mailer.open()  # connects once; a no-op while the session is open
            mailer.send_messages([build_email(message)])
        else:
            build_email(message).send(using="default")
    except Exception as error:  # any transport failure: keep the message and retry later
        if mailer is not None:
            mailer.close()  # reconnect for the next message rather than reuse a broken session
        logger.warning("Delivery of message %s failed (attempt %s): %s", message.pk, message.attempts, error)
        return _attempt_failed(message, error, now)
    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "last_error"])
    return message


def _attempt_failed(message: Message, error: Exception, now: datetime) -> Message:
    """Keep the error; once retries have run for OUTBOX_RETRY_HOURS since it was queued, give up."""
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.next_attempt_at > message.queued_at + retry_for():  # the next try would be past the deadline
        message.status = MessageStatus.FAILED
        logger.error("Gave up on message %s after %s attempts: %s", message.pk, message.attempts, message.last_error)
    message.save(update_fields=["last_error", "status"])
    return message


def messages_deliver_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Deliver every queued message whose next attempt is due, in batches, until none is left.

    Each message is claimed (leased) before it is sent, so several of these
    running at once (workers, the scheduler) never send one message at the same
    time. Delivery is at least once: a worker killed after the mail server took
    a message and before it was marked sent leaves it leased, and it is sent
    again, with the same Message-ID, when the lease runs out (docs/design.md §8).
    """
    now = now or timezone.now()
    delivered, after = 0, 0
    while True:
        due = list(
            Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not due:
            return delivered
        mailer = mailers["default"]
        given_up: Counter = Counter()
        last_error = ""
        try:
            for message_id in due:
                message = message_deliver(message_id=message_id, now=now, mailer=mailer)
                delivered += bool(message and message.status == MessageStatus.SENT)
                if _gave_up(message):
                    given_up[message.programme_id] += 1
                    last_error = message.last_error
        finally:
            mailer.close()
            _announce_given_up(given_up, last_error)  # once per batch, however many messages it gave up on
        after = due[-1]


def delivery_failed_message(*, person, count: int, batch: str, last_error: str, programme=None) -> Outgoing:
    """The alert that ``count`` messages were given up on: to a programme's organiser, or (no programme) a site admin."""
    for_admins = programme is None
    return Outgoing(
        template=DELIVERY_FAILED,
        to_email=person.email,
        person_id=person.pk,
        programme_id=programme.pk if programme else None,
        idempotency_key=f"{DELIVERY_FAILED}:{batch}:{programme.pk if programme else 'admins'}:{person.pk}",
        context={
            # Only site admins see the mail server's words: they can name another programme's recipient.
            "name": person.full_name, "count": count, "hours": settings.OUTBOX_RETRY_HOURS,
            "last_error": last_error if for_admins else "",
            "programme_name": programme.name if programme else "",
            "requeue_command": "unmentoring outbox requeue --failed" if for_admins else "",
            "admin_link": settings.SITE_URL + reverse("admin:notifications_message_changelist") + "?status__exact=failed",
            "for_admins": for_admins,
        },
    )


def messages_requeue(*, since: datetime | None = None, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Try failed messages again, from now, with a fresh OUTBOX_RETRY_HOURS (after a mail server outage is over).

    ``since``: only those queued at or after this moment; ``ids``: only these. Left out: sign-in links
    (theirs have expired), the alerts about failed mail, and messages already blanked after OUTBOX_KEEP_DAYS.
    """
    now = now or timezone.now()
    failed = (Message.objects.filter(status=MessageStatus.FAILED)
              .exclude(template__in=[*NOT_REQUEUED, DELIVERY_FAILED])  # old alerts about an outage now over
              .exclude(subject=BLANKED))  # past the keep period: its content is gone
    if since is not None:
        failed = failed.filter(queued_at__gte=since)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    count = failed.update(status=MessageStatus.QUEUED, attempts=0, next_attempt_at=now, queued_at=now, last_error="")
    if count:
        transaction.on_commit(_enqueue_due_delivery)
    return count


BLANKED = "(removed after the retention period)"


def messages_blank_old(*, now: datetime | None = None) -> int:
    """Messages done with for OUTBOX_KEEP_DAYS keep their row and status, but nothing they said or carried."""
    now = now or timezone.now()
    old = (Message.objects.exclude(status=MessageStatus.QUEUED)
           .filter(created_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS))
           .exclude(subject=BLANKED))
    return old.update(subject=BLANKED, body_text="", body_html="", context={}, attachments=[], headers={})


def messages_delete(*, idempotency_keys: Iterable[str], prefixes: Iterable[str] = ()) -> int:
    """Delete messages outright (those about something deleted, such as a sign-up nobody confirmed): by key,
    or every message whose key starts with one of ``prefixes``."""
    wanted = Q(idempotency_key__in=list(idempotency_keys))
    for prefix in prefixes:
        wanted |= Q(idempotency_key__startswith=prefix)
    deleted, _ = Message.objects.filter(wanted).delete()
    return deleted
