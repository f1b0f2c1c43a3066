"""Writes for people: sign-in links, confirmation, export and erasure."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from sesame.utils import get_query_string

from unmentoring.accounts.models import LinkRequest, Person
from unmentoring.core.links import absolute_url
from unmentoring.core.services import audit_record
from unmentoring.notifications.services import message_queue

class Throttled(Exception):
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
    recent = LinkRequest.objects.filter(created_at__gt=now - window)
    email = normalise_email(email)
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


def sign_in_request(*, email: str, ip: str | None, now: datetime | None = None) -> None:
    """Email a sign-in link if the address belongs to someone; do the same visible thing either way."""
    link_request_record(kind=LinkRequest.Kind.SIGN_IN, email=email, ip=ip, now=now)
    person = Person.objects.get_by_email(email)
    if person is None or not person.is_active:
        return
    message_queue(
        template="sign_in",
        to_email=person.email,
        person=person,
        idempotency_key=f"sign-in:{person.pk}:{uuid.uuid4()}",
        context={
            "name": person.full_name,
            "link": sign_in_link(person),
            "minutes": settings.SESAME_MAX_AGE // 60,
            "unconfirmed": not person.is_confirmed,
        },
    )


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
    """Everything held about one person, as plain data for a JSON download."""
    from unmentoring.programmes.selectors import memberships_for_export
    from unmentoring.notifications.selectors import messages_for_export
    from unmentoring.programmes.models import PendingSignUp
    from unmentoring.rounds.selectors import seats_for_export

    def when(value):
        return value.isoformat() if value else None

    audit_record(actor=person, action="person.export", subject=f"person:{person.pk}")
    return {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "full_name": person.full_name,
            "email": person.email,
            "email_confirmed_at": when(person.email_confirmed_at),
            "created_at": when(person.created_at),
            "last_sign_in_at": when(person.last_login),
        },
        "memberships": memberships_for_export(person=person),
        "rounds": seats_for_export(person=person),
        "reports_made": [
            {"about": about or "(deleted account)", "what_happened": text, "at": when(at)}
            for about, text, at in person.reports_made.values_list("about__full_name", "what_happened", "created_at")
        ],
        "blocked": list(person.blocks_made.values_list("blocked__full_name", flat=True)),
        "messages": messages_for_export(person=person),
        "sign_in_requests": [
            {"kind": kind, "ip": ip, "at": when(at)}
            for kind, ip, at in LinkRequest.objects.filter(email__iexact=person.email).values_list("kind", "ip", "created_at")
        ],
        "sign_ups_waiting_for_confirmation": [
            {"programme": name, "organisation": org, "at": when(at)}
            for name, org, at in PendingSignUp.objects.filter(email__iexact=person.email)
            .values_list("programme__name", "organisation", "created_at")
        ],
        "programmes_organised": list(person.organised_programmes.values_list("name", flat=True)),
        "actions_recorded": [
            {"action": action, "subject": subject, "at": when(at)}
            for action, subject, at in person.auditevent_set.values_list("action", "subject", "created_at")
        ],
    }


def _scrub_partners_intros(person: Person) -> None:
    """Intros to this person's partners name them: re-render those not yet sent, blank the kept copies of those sent."""
    from unmentoring.notifications.enums import MessageStatus
    from unmentoring.notifications.models import Message
    from unmentoring.rounds.models import GroupMember

    groups = GroupMember.objects.filter(membership__person=person).values("group")
    partner_seats = list(GroupMember.objects.filter(group__in=groups).exclude(membership__person=person).values_list("pk", flat=True))
    intros = Message.objects.filter(template="intro", context__seat__in=partner_seats)
    intros.filter(status=MessageStatus.QUEUED).update(rendered_at=None, subject="", body_text="", body_html="", attachments=[])
    intros.exclude(status=MessageStatus.QUEUED).update(
        subject="(removed)", body_text="", body_html="", attachments=[],
        last_error="Content removed: someone named in it deleted their account.",
    )


def _forget_admin_history(person: Person) -> None:
    """The admin's own log keeps object names ("Ada Lovelace in …"); drop its entries about this person."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from unmentoring.programmes.models import Membership

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id__in=[str(pk) for pk in person.memberships.values_list("pk", flat=True)],
    ).delete()


@transaction.atomic
def person_erase(*, person: Person) -> None:
    """Delete a person and everything that identifies them.

    Memberships go with the person; messages addressed to them and throttle
    records of their address are deleted too. The audit record keeps only an id.
    """
    from unmentoring.notifications.models import Message
    from unmentoring.programmes.models import PendingSignUp

    person_id = person.pk
    _scrub_partners_intros(person)
    _forget_admin_history(person)
    Message.objects.filter(person=person).delete()
    Message.objects.filter(to_email__iexact=person.email).delete()
    LinkRequest.objects.filter(email__iexact=person.email).delete()
    PendingSignUp.objects.filter(email__iexact=person.email).delete()
    person.delete()
    audit_record(actor=None, action="person.erase", subject=f"person:{person_id}")
