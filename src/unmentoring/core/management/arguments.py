"""Parsing the values our commands take, with messages that say which flag is wrong and how."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def parse_moment(value: str, *, flag: str = "--now") -> datetime:
    """An ISO 8601 moment; without an offset it is in TIME_ZONE."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag}: {value!r} is not a date and time like 2027-01-08T09:00") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
