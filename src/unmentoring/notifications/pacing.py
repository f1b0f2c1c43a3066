"""GOV.UK Notify's limits, kept on our side: a shared token bucket for its rate limit and a count per
day for its daily limit.

Notify allows a key ``NOTIFY_RATE_PER_MINUTE`` requests in any 60 seconds
(3,000 by default) and a service ``NOTIFY_DAILY_LIMIT`` emails and as many
text messages a day (250,000), counted from midnight UTC. Every worker takes
its tokens from one row in the database, so the limit holds for the site
however many workers send. The bucket holds two seconds' worth and refills so
that a full bucket plus a minute's refill is the rate: no 60-second window
can carry more. Messages the day's limit leaves are carried over to the next
UTC day; none is counted as a failed attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unmentoring.notifications.enums import Channel
from unmentoring.notifications.models import SendingAllowance

NOTIFY = "notify"
# The bucket's size, in seconds of the rate.
BURST_SECONDS = 2


def through_notify(channel: str) -> bool:
    """Whether a message on this channel goes to GOV.UK Notify (text messages always; email when the
    site's mailer is Notify's)."""
    if channel == Channel.SMS:
        return True
    return settings.MAILERS["default"]["BACKEND"].endswith("NotifyEmailBackend")


def next_utc_day(day: date) -> datetime:
    """Midnight UTC after ``day``: when Notify's daily limits start again."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


@dataclass(frozen=True)
class Grant:
    granted: int
    # When to ask again if fewer were granted than asked for.
    retry_at: datetime | None = None
    # True when the day's limit, not the rate, is what ran out.
    day_is_full: bool = False


def _bucket() -> tuple[float, float]:
    """The bucket's capacity and its refill per second."""
    rate = max(settings.NOTIFY_RATE_PER_MINUTE, 1)
    capacity = max(1.0, rate * BURST_SECONDS / 60)
    return capacity, max(rate - capacity, 1.0) / 60


def _locked_allowance(now: datetime | None, *, tokens_if_new: float) -> tuple[SendingAllowance, datetime]:
    """The site's allowance row, locked for this transaction, its day rolled over to ``now``'s (a tick's
    time, if later than the clock); and the clock read.

    A new UTC day starts both channels' counts again. Only forwards: a worker whose clock is a moment behind
    another's counts in the day the row is already on, never back in yesterday with nothing sent.
    """
    clock = timezone.now()
    day = max(now or clock, clock).astimezone(UTC).date()
    SendingAllowance.objects.get_or_create(name=NOTIFY, defaults={"tokens": tokens_if_new, "refilled_at": clock,
                                                                  "day": day})
    allowance = SendingAllowance.objects.select_for_update().get(name=NOTIFY)
    if day > allowance.day:
        allowance.day, allowance.sent_email, allowance.sent_sms = day, 0, 0
    return allowance, clock


def _sent_field(channel: str) -> str:
    return "sent_sms" if channel == Channel.SMS else "sent_email"


def notify_take(channel: str, wanted: int, *, now: datetime | None = None) -> Grant:
    """Take up to ``wanted`` sends on ``channel`` from the site's allowance (one row lock)."""
    capacity, per_second = _bucket()
    field = _sent_field(channel)
    with transaction.atomic():
        allowance, clock = _locked_allowance(now, tokens_if_new=capacity)
        elapsed = max((clock - allowance.refilled_at).total_seconds(), 0.0)
        allowance.tokens = min(capacity, allowance.tokens + elapsed * per_second)
        allowance.refilled_at = clock
        left_today = max(settings.NOTIFY_DAILY_LIMIT - getattr(allowance, field), 0)
        granted = min(wanted, left_today, int(allowance.tokens))
        allowance.tokens -= granted
        setattr(allowance, field, getattr(allowance, field) + granted)
        allowance.save()
    if granted == wanted:
        return Grant(granted)
    if granted == left_today:
        return Grant(granted, next_utc_day(allowance.day), day_is_full=True)
    return Grant(granted, clock + timedelta(seconds=(1 - allowance.tokens % 1) / per_second))


def notify_throttled(channel: str, *, day_is_full: bool, now: datetime | None = None) -> datetime:
    """Notify answered 429: empty the bucket (every worker waits), or, if it says the day's limit is
    reached, count the day as full. Returns when to try again."""
    _, per_second = _bucket()
    with transaction.atomic():
        allowance, clock = _locked_allowance(now, tokens_if_new=0.0)
        allowance.tokens, allowance.refilled_at = 0.0, clock
        if day_is_full:
            setattr(allowance, _sent_field(channel), settings.NOTIFY_DAILY_LIMIT)
        allowance.save()
    if day_is_full:
        return next_utc_day(allowance.day)
    return clock + timedelta(seconds=max(1 / per_second, 1.0))
