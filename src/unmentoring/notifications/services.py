"""The outbox: queue a message once, deliver it in the background, retry with backoff."""

from __future__ import annotations

import email.policy
import hashlib
import json
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from notifications_python_client.errors import HTTPError as NotifyHTTPError

from unmentoring.core.bulk import copy_insert, uses_copy
from unmentoring.notifications.backends import notify_send_sms
from unmentoring.notifications.enums import Channel, MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.notifications.pacing import notify_take, notify_throttled, through_notify
from unmentoring.notifications.registry import MessageNoLongerApplies, Prepared, prepare, prepare_many

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
    unique: dict[str, Outgoing] = {}
    for o in outgoing:
        unique.setdefault(o.idempotency_key, o)
    if not unique:
        return 0
    now = timezone.now()
    times = {"next_attempt_at": now, "created_at": now, "queued_at": now}
    if len(unique) > DELIVER_EACH_UP_TO and uses_copy():
        # A draw's intros: streamed in, a key already queued skipped by the database (ON CONFLICT), no look-up first.
        new = copy_insert(Message, QUEUED_COLUMNS, [_row(o, as_json=True) for o in unique.values()], constants=times,
                          unique="idempotency_key")
        if new:
            transaction.on_commit(_enqueue_due_delivery)
        return new
    existing = set(Message.objects.filter(idempotency_key__among=list(unique)).values_list("idempotency_key", flat=True))
    rows = [Message(**dict(zip(QUEUED_COLUMNS, _row(o), strict=True)), **times)
            for key, o in unique.items() if key not in existing]
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


QUEUED_COLUMNS = ("idempotency_key", "template", "to_email", "context", "person_id", "channel", "to_phone", "programme_id")


def _row(o: Outgoing, *, as_json: bool = False) -> tuple:
    return (o.idempotency_key, o.template, o.to_email, json.dumps(o.context) if as_json else o.context,
            o.person_id, o.channel, o.to_phone, o.programme_id)


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


def message_render(message: Message, *, save: bool = True, prepared: Prepared | None = None) -> Message:
    """Fill in the subject, bodies, headers and attachments from the template and context.

    ``prepared`` is the context a batch loader already read (see ``prepare_many``).
    """
    prepared = prepared if prepared is not None else prepare(message.template, message.context)
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
        message.save(update_fields=RENDERED)
    return message


RENDERED = ["subject", "body_text", "body_html", "headers", "attachments", "rendered_at"]

# How many due messages a worker leases at once: one transaction claims them all (on PostgreSQL skipping
# rows another worker has locked), so many workers share the queue without waiting on each other. Small,
# because a worker killed mid-batch holds the rest of its claim until the lease runs out (a minute).
CLAIM_BATCH = 20
# A worker stops starting sends this long before its lease runs out, and hands the rest back, so that a
# slow mail server never lets another worker claim a message this one is still sending: more than a send
# can take (connecting, then the mail server's or Notify's 20-second timeout).
LEASE_MARGIN = timedelta(seconds=45)


def _lease(messages: list[Message], claimed_at: datetime) -> None:
    """Count an attempt on each and keep the others off it until its backoff has passed (one UPDATE per
    distinct attempt count: nearly always one)."""
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for message in messages:
        message.attempts += 1
        message.next_attempt_at = claimed_at + retry_delay(message.attempts)
        by_attempts[message.attempts].append(message.pk)
    for attempts, ids in by_attempts.items():
        Message.objects.filter(pk__in=ids).update(attempts=attempts, next_attempt_at=claimed_at + retry_delay(attempts))


def _claim(message_id: int, now: datetime) -> Message | None:
    """Take one due message for a delivery attempt; None if it is not due or already done."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED or message.next_attempt_at > now:
            return None
        # Counted from the moment of the claim (a long batch's ``now`` is its start, already in the past).
        _lease([message], max(now, timezone.now()))
        return message


def _claim_batch(now: datetime, limit: int = CLAIM_BATCH) -> list[Message]:
    """Take up to ``limit`` due messages, oldest due first, in one transaction."""
    with transaction.atomic():
        # SKIP LOCKED: another worker's claim in progress is passed over, not waited for (PostgreSQL; SQLite
        # serialises writers, so its claims never overlap).
        messages = list(Message.objects.select_for_update(skip_locked=True)
                        .filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
                        .order_by("next_attempt_at", "pk")[:limit])
        if messages:
            _lease(messages, max(now, timezone.now()))
        return messages


def _release(messages: list[Message], *, at: datetime) -> None:
    """Hand claimed messages back unsent, due ``at``, without counting the attempt."""
    for message in messages:
        message.attempts -= 1
        message.next_attempt_at = at
    Message.objects.filter(pk__in=[m.pk for m in messages], status=MessageStatus.QUEUED).update(
        attempts=F("attempts") - 1, next_attempt_at=at)


@contextmanager
def _cheap_commit():
    """A transaction whose commit need not wait for the disk (PostgreSQL's synchronous_commit off).

    Used for marking a message sent, cancelled or failed: if the database server itself crashed before
    the mark reached the disk, the message would be sent again, with the same Message-ID, which delivery
    at least once allows. A worker killed after its commit loses nothing.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _store(message: Message, fields: list[str]) -> None:
    with _cheap_commit():
        Message.objects.filter(pk=message.pk).update(**{field: getattr(message, field) for field in fields})


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

    ``mailer`` is an open mail connection to reuse.
    """
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    _deliver_claimed([message], now=now, mailer=mailer)
    return message


def _prepared_for(messages: list[Message]) -> dict[int, Prepared | Exception]:
    """Each unrendered message's context, read for the whole batch at once per template."""
    by_template: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        if message.rendered_at is None:
            by_template[message.template].append(message)
    prepared: dict[int, Prepared | Exception] = {}
    for template, group in by_template.items():
        prepared.update(zip([m.pk for m in group], prepare_many(template, [m.context for m in group]), strict=True))
    return prepared


# A worker waits this long at most, in place, for a rate-limited provider's next token; longer waits are
# handed back to the queue.
MOST_SLEPT = timedelta(seconds=5)


class _Throttled(Exception):
    """The provider answered 429: too many requests (for now, or for the day)."""

    def __init__(self, day_is_full: bool):
        super().__init__("day's limit reached" if day_is_full else "rate limit reached")
        self.day_is_full = day_is_full


def _throttle_of(error: Exception) -> _Throttled | None:
    """A GOV.UK Notify 429 as a _Throttled (its error type says whether it is the day's limit), else None."""
    if not isinstance(error, NotifyHTTPError) or error.status_code != 429:
        return None
    try:
        kinds = {e.get("error") for e in error.response.json().get("errors", [])}
    except (AttributeError, TypeError, ValueError):
        kinds = set()
    return _Throttled(day_is_full="TooManyRequestsError" in kinds)


class _Pacer:
    """Takes GOV.UK Notify's allowance, one token per send, for a batch's messages that go through it."""

    def __init__(self, now: datetime):
        self.now = now
        self.blocked_until: dict[str, datetime] = {}
        self.full_days: set[str] = set()

    def hold_until(self, message: Message, deadline: datetime) -> datetime | None:
        """None if the message may go now (waiting a moment for a token if need be, never past ``deadline``,
        where the lease stops covering a send), else when it may. One token per send, taken just before it,
        so no 60 seconds of sends carry more than the rate and unused tokens are never counted."""
        channel = message.channel
        if not through_notify(channel):
            return None
        if channel in self.blocked_until:
            return self.blocked_until[channel]
        while True:
            grant = notify_take(channel, 1, now=self.now)
            if grant.granted:
                return None
            if grant.day_is_full or grant.retry_at - timezone.now() > MOST_SLEPT:
                self.block(channel, grant.retry_at, day_is_full=grant.day_is_full)
                return grant.retry_at
            if grant.retry_at >= deadline:
                return grant.retry_at
            time.sleep(max((grant.retry_at - timezone.now()).total_seconds(), 0))

    def block(self, channel: str, until: datetime, *, day_is_full: bool) -> None:
        if day_is_full:
            self.full_days.add(channel)
            self.blocked_until[channel] = until
        else:  # the rate limit is the key's, for every channel
            self.blocked_until = dict.fromkeys([Channel.EMAIL, Channel.SMS], until) | {
                c: t for c, t in self.blocked_until.items() if c in self.full_days}


def _deliver_claimed(messages: list[Message], *, now: datetime, mailer=None) -> datetime | None:
    """Render and send claimed messages, marking each as it goes (so a worker killed mid-batch has sent
    again at most the one message in flight); hand back whatever its lease no longer covers, or a
    provider's limits hold back. Returns when the soonest of those held back for a moment may go."""
    try:
        prepared = _prepared_for(messages)
    except Exception:  # a loader that fails for the batch: try each alone, so one bad message costs only itself
        logger.exception("Preparing a batch of %s messages failed; preparing them one by one", len(messages))
        prepared = {}
    deadline = min(m.next_attempt_at for m in messages) - LEASE_MARGIN
    pacer = _Pacer(now)
    held: dict[datetime, list[Message]] = defaultdict(list)
    index = 0
    try:
        for index, message in enumerate(messages):  # noqa: B007 (the finally hands back from here)
            if timezone.now() >= deadline:
                break
            if (until := pacer.hold_until(message, deadline)) is not None:
                held[until].append(message)
                continue
            try:
                _deliver_one(message, prepared.get(message.pk), mailer=mailer)
            except _Throttled as throttled:
                logger.warning("GOV.UK Notify says %s; message %s waits", throttled, message.pk)
                until = notify_throttled(message.channel, day_is_full=throttled.day_is_full, now=now)
                pacer.block(message.channel, until, day_is_full=throttled.day_is_full)
                held[until].append(message)
        else:
            index = len(messages)
    finally:
        # What was not reached (the lease about to run out, or an error on the way) goes back due now; what a
        # limit held back, when the limit allows. Neither counts as an attempt.
        unreached = [m for m in messages[index:] if m.status == MessageStatus.QUEUED]  # held ones come before
        if unreached:
            held[min(now, timezone.now())] += unreached
        for until, waiting in held.items():
            _release(waiting, at=until)
    for channel in pacer.full_days:  # the rest of the day's queue waits for tomorrow in one go
        Message.objects.filter(status=MessageStatus.QUEUED, channel=channel, next_attempt_at__lte=now).update(
            next_attempt_at=pacer.blocked_until[channel])
    soon = [until for until in held if now < until <= now + MOST_SLEPT]
    return min(soon) if soon else None


def _deliver_one(message: Message, prepared: Prepared | Exception | None, *, mailer) -> None:
    rendered: list[str] = []
    try:
        if isinstance(prepared, Exception):
            raise prepared
        if message.rendered_at is None:
            message_render(message, save=False, prepared=prepared)
            rendered = RENDERED
    except MessageNoLongerApplies as gone:
        message.status = MessageStatus.CANCELLED
        message.last_error = f"Not sent: {gone}"
        _store(message, ["status", "last_error"])
        return
    except Exception as error:  # a template or data error: count it as a failed attempt, keep the batch going
        logger.exception("Rendering message %s failed", message.pk)
        _attempt_failed(message, error)
        return
    try:
        if message.channel == Channel.SMS:
            notify_send_sms(phone_number=message.to_phone, body=message.body_text, reference=message.idempotency_key)
        elif mailer is not None:
            mailer.open()  # connects once; a no-op while the session is open
            mailer.send_messages([build_email(message)])
        else:
            build_email(message).send(using="default")
    except Exception as error:  # any transport failure: keep the message and retry later
        if (throttled := _throttle_of(error)) is not None:
            raise throttled from error
        if mailer is not None:
            mailer.close()  # reconnect for the next message rather than reuse a broken session
        logger.warning("Delivery of message %s failed (attempt %s): %s", message.pk, message.attempts, error)
        _attempt_failed(message, error, rendered)
        return
    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    _store(message, ["status", "sent_at", "last_error", *rendered])


def _attempt_failed(message: Message, error: Exception, rendered: list[str] = ()) -> None:
    """Keep the error (and what was rendered); once retries have run for OUTBOX_RETRY_HOURS since it was
    queued, give up."""
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.next_attempt_at > message.queued_at + retry_for():  # the next try would be past the deadline
        message.status = MessageStatus.FAILED
        logger.error("Gave up on message %s after %s attempts: %s", message.pk, message.attempts, message.last_error)
    _store(message, ["last_error", "status", *rendered])


def messages_deliver_due(*, now: datetime | None = None, batch: int = CLAIM_BATCH) -> int:
    """Deliver every queued message whose next attempt is due, a claimed batch at a time, until none is left.

    Each batch is claimed (leased) in one transaction before it is sent, so any
    number of these running at once (workers, the scheduler) never send one
    message at the same time. Delivery is at least once: a worker killed after
    the mail server took a message and before it was marked sent leaves it
    leased, and it is sent again, with the same Message-ID, when the lease runs
    out (docs/design.md §8). A batch goes over one SMTP session.
    """
    now = now or timezone.now()
    delivered = 0
    given_up: Counter = Counter()
    last_error = ""
    try:
        while messages := _claim_batch(now, batch):
            mailer = mailers["default"]
            try:
                soon = _deliver_claimed(messages, now=now, mailer=mailer)
                if soon is not None and soon > now:  # held back a moment by a provider's rate limit: wait, go on
                    time.sleep(max((soon - timezone.now()).total_seconds(), 0))
                    now = soon
            finally:
                mailer.close()
                given_up.update(m.programme_id for m in messages if _gave_up(m))
                last_error = next((m.last_error for m in reversed(messages) if _gave_up(m)), last_error)
            delivered += sum(m.status == MessageStatus.SENT for m in messages)
    finally:
        # Once per run, however many messages and batches it gave up on (an outage is one alert, not one a batch).
        _announce_given_up(given_up, last_error)
    return delivered


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
        failed = failed.filter(pk__among=list(ids))
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
    wanted = Q(idempotency_key__among=list(idempotency_keys))
    for prefix in prefixes:
        wanted |= Q(idempotency_key__startswith=prefix)
    deleted, _ = Message.objects.filter(wanted).delete()
    return deleted
