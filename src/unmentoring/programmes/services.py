"""Writes for programmes and memberships: sign-up, details, pause, resume, leave."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from unmentoring.accounts.models import LinkRequest, Person
from unmentoring.accounts.services import link_request_record, normalise_email, sign_in_link
from unmentoring.core import tokens
from unmentoring.core.links import absolute_url
from unmentoring.notifications.services import message_queue
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.models import Membership, PendingSignUp, Programme


@dataclass(frozen=True)
class MembershipDetails:
    organisation: str
    role: str
    phone: str
    video_kind: str = ""
    video_handle: str = ""
    happy_to_talk_about: str = ""
    rhythm: str = "every"
    text_reminders: bool = False

    def fields(self, *, now: datetime, agreed_before: datetime | None = None) -> dict:
        """Model fields: the consent to text reminders keeps its first timestamp."""
        fields = asdict(self)
        fields["sms_agreed_at"] = (agreed_before or now) if fields.pop("text_reminders") else None
        return fields


@dataclass(frozen=True)
class SignUp:
    full_name: str
    email: str
    details: MembershipDetails


@transaction.atomic
def membership_sign_up(*, programme: Programme, sign_up: SignUp, ip: str | None, now: datetime | None = None) -> PendingSignUp | Membership:
    """Keep a sign-up aside and email a link to confirm it; nothing else changes until it is followed.

    Whether the address is new, already a member or waiting to confirm, the
    visible response is the same; only the email differs.
    """
    if not programme.is_open:
        raise PermissionDenied("This programme is invite only.")
    now = now or timezone.now()
    email = normalise_email(sign_up.email)
    link_request_record(kind=LinkRequest.Kind.SIGN_UP, email=email, ip=ip, now=now)

    person = Person.objects.get_by_email(email)
    membership = Membership.objects.filter(person=person, programme=programme).first() if person else None
    if membership is not None and membership.status != MembershipStatus.LEFT:
        message_queue(
            template="already_member",
            to_email=person.email,
            person=person,
            idempotency_key=f"already-member:{membership.pk}:{uuid.uuid4()}",
            context={"name": person.full_name, "programme_name": programme.name, "link": sign_in_link(person)},
        )
        return membership

    pending = PendingSignUp.objects.create(
        programme=programme, email=email, full_name=sign_up.full_name, agreed_at=now, created_at=now,
        **asdict(sign_up.details),
    )
    message_queue(
        template="confirm_email",
        to_email=email,
        person=person,
        idempotency_key=f"confirm:{pending.pk}",
        context={
            "name": sign_up.full_name,
            "programme_name": programme.name,
            "link": absolute_url("programmes:confirm", kwargs={"token": tokens.make("signup", pending.pk)}),
            "days": settings.SIGN_UP_CONFIRM_DAYS,
        },
    )
    return pending


@transaction.atomic
def sign_up_confirm(*, pending_id: int, now: datetime | None = None) -> Membership:
    """The address is confirmed: make (or renew) the person and their membership from the sign-up."""
    now = now or timezone.now()
    pending = PendingSignUp.objects.select_for_update().select_related("programme").get(pk=pending_id)
    person = Person.objects.get_by_email(pending.email)
    if person is None:
        person = Person.objects.create_user(pending.email, full_name=pending.full_name, email_confirmed_at=now)
    elif person.email_confirmed_at is None:
        person.email_confirmed_at = now
        person.save(update_fields=["email_confirmed_at"])
    details = MembershipDetails(**{f: getattr(pending, f) for f in MembershipDetails.__dataclass_fields__})
    fields = {
        **details.fields(now=now),
        "status": MembershipStatus.ACTIVE, "paused_until": None, "pause_reason": "", "left_at": None,
        "rules_agreed_at": pending.agreed_at, "sharing_agreed_at": pending.agreed_at, "confirmed_at": now,
    }
    membership = Membership.objects.select_for_update().filter(person=person, programme=pending.programme).first()
    if membership is None:
        membership = Membership.objects.create(person=person, programme=pending.programme, created_at=now, **fields)
    elif membership.status == MembershipStatus.LEFT:  # rejoining, with the details just confirmed
        for name, value in fields.items():
            setattr(membership, name, value)
        membership.save()
    PendingSignUp.objects.filter(email=pending.email, programme=pending.programme).delete()
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, details: MembershipDetails) -> Membership:
    for name, value in details.fields(now=timezone.now(), agreed_before=membership.sms_agreed_at).items():
        setattr(membership, name, value)
    membership.save()
    return membership


def _guard(membership: Membership, allowed: set[str], action: str) -> None:
    if membership.status not in allowed:
        raise ValidationError(f"You cannot {action} a membership that is {membership.get_status_display().lower()}.")


@transaction.atomic
def membership_pause(*, membership: Membership, until: date, today: date | None = None) -> Membership:
    today = today or timezone.localdate()
    _guard(membership, {MembershipStatus.ACTIVE, MembershipStatus.PAUSED}, "pause")
    if until <= today:
        raise ValidationError("Pause until must be in the future")
    membership.status = MembershipStatus.PAUSED
    membership.paused_until = until
    membership.save(update_fields=["status", "paused_until", "updated_at"])
    return membership


@transaction.atomic
def membership_resume(*, membership: Membership) -> Membership:
    _guard(membership, {MembershipStatus.PAUSED}, "resume")
    membership.status = MembershipStatus.ACTIVE
    membership.paused_until = None
    membership.resumed_at = timezone.now()
    membership.save(update_fields=["status", "paused_until", "resumed_at", "updated_at"])
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership, now: datetime | None = None) -> Membership:
    _guard(membership, {MembershipStatus.ACTIVE, MembershipStatus.PAUSED}, "leave")
    membership.status = MembershipStatus.LEFT
    membership.paused_until = None
    membership.left_at = now or timezone.now()
    membership.save(update_fields=["status", "paused_until", "left_at", "updated_at"])
    return membership


def memberships_resume_due(*, now: datetime | None = None) -> int:
    """Pauses end by themselves on their date, in each programme's own time zone."""
    now = now or timezone.now()
    resumed = 0
    paused = Membership.objects.filter(status=MembershipStatus.PAUSED)
    for programme in Programme.objects.filter(pk__in=paused.values("programme")).order_by("pk"):
        today = now.astimezone(programme.tz).date()
        resumed += paused.filter(programme=programme, paused_until__lte=today).update(
            status=MembershipStatus.ACTIVE, paused_until=None, resumed_at=now, updated_at=now
        )
    return resumed


@transaction.atomic
def signups_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Sign-ups nobody confirmed are removed after SIGN_UP_CONFIRM_DAYS days."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SIGN_UP_CONFIRM_DAYS)
    deleted, _ = PendingSignUp.objects.filter(created_at__lt=cutoff).delete()
    return deleted
