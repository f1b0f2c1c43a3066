"""Writes for people: sign-in links, confirmation, export and erasure, blocks."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from sesame.utils import get_query_string

from unmentoring.accounts.models import Block, LinkRequest, Person
from unmentoring.accounts.tasks import send_sign_in_link
from unmentoring.core.errors import ApplicationError
from unmentoring.core.links import absolute_url
from unmentoring.core.models import AuditEvent
from unmentoring.core.personal_data import personal_data
from unmentoring.core.services import audit_record
from unmentoring.notifications.services import Outgoing, messages_queue


class Throttled(ApplicationError):
    """Too many link requests from one address or one IP; ``retry_after`` says for how long."""

    def __init__(self, retry_after: timedelta):
        self.retry_after = retry_after
        super().__init__(f"Too many requests; try again in {self.retry_after_minutes} minutes")

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def link_request_record(*, kind: str, email: str, ip: str | None, now: datetime | None = None) -> None:
    """Count a request that emails a link; raise Throttled past the per-address or per-IP limit.

    The limit applies whether or not the address is registered, so its
    response never reveals which addresses we hold.
    """
    now = now or timezone.now()
    window = timedelta(seconds=settings.SIGN_IN_LIMIT_WINDOW_SECONDS)
    email = normalise_email(email)
    with transaction.atomic():
        # Count and record under one lock, so that concurrent requests cannot all count "under the
        # limit" before any of them is recorded. SQLite's IMMEDIATE transactions already serialise writers.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {LinkRequest._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        recent = LinkRequest.objects.filter(created_at__gt=now - window)
        for queryset, limit in (
            (recent.filter(email=email), settings.SIGN_IN_LIMIT_PER_ADDRESS),
            (recent.filter(ip=ip) if ip else recent.none(), settings.SIGN_IN_LIMIT_PER_IP),
        ):
            times = list(queryset.order_by("-created_at").values_list("created_at", flat=True)[:limit])
            if len(times) >= limit:
                raise Throttled(retry_after=times[-1] + window - now)
        LinkRequest.objects.create(kind=kind, email=email, ip=ip, created_at=now)


def link_requests_purge(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SIGN_IN_LIMIT_WINDOW_SECONDS)
    deleted, _ = LinkRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def sign_in_link(person: Person, *, next_url: str = "") -> str:
    query = get_query_string(person)[1:]
    if next_url:
        query += "&" + urlencode({"next": next_url})
    return absolute_url("accounts:sign-in-link", query=query)


@transaction.atomic
def sign_in_request(*, email: str, ip: str | None, next_url: str = "", now: datetime | None = None) -> None:
    """Count the request, then leave the rest to the task worker, after the response.

    Whether the address belongs to someone is looked up only in the task, so the request does the same
    work, in the same time, for an address we hold and one we don't: its response says nothing.
    """
    link_request_record(kind=LinkRequest.Kind.SIGN_IN, email=email, ip=ip, now=now)
    send_sign_in_link.enqueue(email=normalise_email(email), next_url=next_url)


def sign_in_link_send(*, email: str, next_url: str = "") -> bool:
    """Email a sign-in link if the address belongs to an active person (the task behind ``sign_in_request``)."""
    person = Person.objects.get_by_email(email)
    if person is None or not person.is_active:
        return False
    messages_queue([Outgoing(
        template="sign_in",
        to_email=person.email,
        person_id=person.pk,
        idempotency_key=f"sign-in:{person.pk}:{uuid.uuid4()}",
        context={
            "name": person.full_name,
            "link": sign_in_link(person, next_url=next_url),
            "minutes": settings.SESAME_MAX_AGE // 60,
            "unconfirmed": not person.is_confirmed,
        },
    )])
    return True


def person_spend_sign_in_link(*, person: Person, now: datetime | None = None) -> bool:
    """Spend a sign-in link once: a one-time link is good while last_login is what it was when it was made.

    Moving last_login with a compare-and-set (UPDATE … WHERE last_login = the value read) lets exactly one
    of several concurrent requests through; the others find it moved and are refused.
    """
    now = now or timezone.now()
    spent = Person.objects.filter(pk=person.pk, last_login=person.last_login).update(last_login=now)
    if spent:
        person.last_login = now
    return spent == 1


def person_confirm_email(*, person: Person, now: datetime | None = None) -> Person:
    """Following a sign-in link proves the address (memberships are confirmed only by their own link)."""
    if person.email_confirmed_at is None:
        person.email_confirmed_at = now or timezone.now()
        person.save(update_fields=["email_confirmed_at"])
    return person


@dataclass(frozen=True)
class PersonDetails:
    full_name: str


@transaction.atomic
def person_update(*, person: Person, details: PersonDetails) -> Person:
    person.full_name = details.full_name
    person.save(update_fields=["full_name"])
    return person


def person_export(*, person: Person) -> dict:
    """Everything held about one person, as plain data for a JSON download: each app adds its own part."""
    audit_record(actor=person, action="person.export", subject=f"person:{person.pk}")
    data = {"exported_at": timezone.now().isoformat()}
    for part in personal_data():
        if part.export is not None:
            data[part.key] = part.export(person)
    return data


@transaction.atomic
def person_erase(*, person: Person) -> None:
    """Delete a person and everything that identifies them (docs/design.md §6).

    Each app first erases or anonymises what it holds about them (its
    personal-data handlers); then the person goes, with their memberships. The
    groups they were in stay, without them, for the statistics. The audit
    record of the erasure keeps only an id.
    """
    person_id = person.pk
    for part in personal_data():
        if part.erase is not None:
            part.erase(person)
    # The organisers' reasons about them (a pause, a removal, a move) are about them: only the facts stay.
    for event in AuditEvent.objects.filter(subject=f"person:{person_id}", detail__has_key="reason"):
        event.detail = {key: value for key, value in event.detail.items() if key != "reason"}
        event.save(update_fields=["detail"])
    person.delete()
    audit_record(actor=None, action="person.erase", subject=f"person:{person_id}")


@transaction.atomic
def block_add(*, blocker: Person, blocked: Person) -> Block:
    """"Never match me with this person again" (idempotent)."""
    if blocker.pk == blocked.pk:
        raise ApplicationError("You cannot block yourself.")
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def sessions_clear_expired() -> int:
    """Expired sign-in sessions are deleted (Django keeps them until something clears them)."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    deleted, _ = expired.delete()
    return deleted


@transaction.atomic
def block_remove(*, blocker: Person, block_id: int) -> None:
    """Take back a "never match me with this person again" (only one's own)."""
    deleted, _ = Block.objects.filter(pk=block_id, blocker=blocker).delete()
    if not deleted:
        raise ApplicationError("That block is not yours, or it was removed already.")
    audit_record(actor=blocker, action="block.remove", subject=f"block:{block_id}")
