"""Writes for programmes and memberships: sign-up, details, pause, resume, leave.

Every change to a membership's status (and to its pause reason and
first-in-line mark) goes through a function here, whichever page, link or
job asks for it (docs/design.md §4).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unmentoring.accounts.models import LinkRequest, Person
from unmentoring.accounts.services import link_request_record, normalise_email, sign_in_link
from unmentoring.core.errors import ApplicationError
from unmentoring.core.links import absolute_url
from unmentoring.core.services import audit_record
from unmentoring.notifications.services import Outgoing, messages_delete, messages_queue
from unmentoring.programmes.enums import MembershipStatus, PauseReason
from unmentoring.programmes.links import INVITE, SIGN_UP, membership_email_context
from unmentoring.programmes.models import Announcement, Invitation, Membership, PendingSignUp, Programme
from unmentoring.programmes.signals import membership_left, programme_schedule_changed


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
        raise ApplicationError("This programme is invite only.")
    now = now or timezone.now()
    email = normalise_email(sign_up.email)
    link_request_record(kind=LinkRequest.Kind.SIGN_UP, email=email, ip=ip, now=now)

    person = Person.objects.get_by_email(email)
    membership = Membership.objects.filter(person=person, programme=programme).first() if person else None
    if membership is not None and membership.status != MembershipStatus.LEFT:
        messages_queue([Outgoing(
            template="already_member",
            to_email=person.email,
            person_id=person.pk,
            idempotency_key=f"already-member:{membership.pk}:{uuid.uuid4()}",
            programme_id=programme.pk,
            context={"name": person.full_name, "programme_name": programme.name, "link": sign_in_link(person)},
        )])
        return membership

    pending = PendingSignUp.objects.create(
        programme=programme, email=email, full_name=sign_up.full_name, agreed_at=now, created_at=now,
        **asdict(sign_up.details),
    )
    messages_queue([Outgoing(
        template="confirm_email",
        to_email=email,
        person_id=person.pk if person else None,
        idempotency_key=f"confirm:{pending.pk}",
        programme_id=programme.pk,
        context={
            "name": sign_up.full_name,
            "programme_name": programme.name,
            "link": absolute_url("programmes:confirm", kwargs={"token": SIGN_UP.make(pending.pk)}),
            "days": settings.SIGN_UP_CONFIRM_DAYS,
        },
    )])
    return pending


@transaction.atomic
def sign_up_confirm(*, pending_id: int, now: datetime | None = None) -> Membership:
    """The address is confirmed: make (or renew) the person and their membership from the sign-up."""
    now = now or timezone.now()
    pending = PendingSignUp.objects.select_for_update(of=("self",)).select_related("programme").filter(pk=pending_id).first()
    if pending is None:  # confirmed (or purged) by another request a moment ago
        raise ApplicationError("This link has been used already. If you confirmed, sign in.")
    details = MembershipDetails(**{f: getattr(pending, f) for f in MembershipDetails.__dataclass_fields__})
    membership = _join(email=pending.email, full_name=pending.full_name, programme=pending.programme, details=details,
                       agreed_at=pending.agreed_at, now=now)
    PendingSignUp.objects.filter(email=pending.email, programme=pending.programme).delete()
    return membership


def _join(*, email: str, full_name: str, programme: Programme, details: MembershipDetails, agreed_at: datetime,
          now: datetime) -> Membership:
    """The address is proven (a confirmation or invitation link): make or confirm the person, and make (or
    renew, for someone who left) their membership with the consents they gave at ``agreed_at``."""
    person = Person.objects.get_by_email(email)
    if person is not None and not person.is_active:
        raise ApplicationError("The account for this address is closed, so it cannot join. Ask the organisers.")
    if person is None:
        person = Person.objects.create_user(email, full_name=full_name, email_confirmed_at=now)
    elif person.email_confirmed_at is None:
        person.email_confirmed_at = now
        person.full_name = person.full_name or full_name
        person.save(update_fields=["email_confirmed_at", "full_name"])
    fields = {
        **details.fields(now=now),
        "status": MembershipStatus.ACTIVE, "paused_until": None, "pause_reason": "", "left_at": None,
        "rules_agreed_at": agreed_at, "sharing_agreed_at": agreed_at, "confirmed_at": now,
    }
    membership = Membership.objects.select_for_update().filter(person=person, programme=programme).first()
    if membership is None:
        membership = Membership.objects.create(person=person, programme=programme, created_at=now, **fields)
    elif membership.status == MembershipStatus.LEFT:  # rejoining, with the details just confirmed
        for name, value in fields.items():
            setattr(membership, name, value)
        membership.save()
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, details: MembershipDetails) -> Membership:
    for name, value in details.fields(now=timezone.now(), agreed_before=membership.sms_agreed_at).items():
        setattr(membership, name, value)
    membership.save()
    return membership


def _guard(membership: Membership, allowed: set[str], action: str) -> None:
    if membership.status not in allowed:
        raise ApplicationError(f"You cannot {action} a membership that is {membership.get_status_display().lower()}.")


def _locked(membership: Membership) -> Membership:
    """The membership's row, locked for this transaction and read afresh."""
    # of=("self",): lock the membership only, not the programme and person rows it is read with.
    return Membership.objects.select_for_update(of=("self",)).select_related("programme", "person").get(pk=membership.pk)


@transaction.atomic
def membership_pause(*, membership: Membership, until: date, reason: str, today: date | None = None) -> Membership:
    """Pause until a date (the member is not drawn in rounds before it), for one of the PauseReason reasons.

    Pausing an already paused membership moves its date and reason.
    """
    if reason not in PauseReason.values:
        raise ValueError(f"Unknown pause reason {reason!r}")
    membership = _locked(membership)
    today_given = today
    today = today or timezone.localdate(timezone=membership.programme.tz)
    _guard(membership, {MembershipStatus.ACTIVE, MembershipStatus.PAUSED}, "pause")
    if membership.pause_reason == PauseReason.ORGANISERS and reason != PauseReason.ORGANISERS:
        raise ApplicationError(_ORGANISERS_PAUSED.format(programme=membership.programme.name,
                                                         until=f"{membership.paused_until:%-d %B %Y}"))
    if until <= today:
        raise ApplicationError("Pause until must be in the future")
    if membership.status != MembershipStatus.PAUSED:  # a new pause, not a moved one
        membership.paused_at = timezone.now() if today_given is None else \
            datetime.combine(today_given, time(), tzinfo=membership.programme.tz)
    membership.status = MembershipStatus.PAUSED
    membership.paused_until = until
    membership.pause_reason = reason
    membership.save(update_fields=["status", "paused_until", "pause_reason", "paused_at", "updated_at"])
    return membership


_ORGANISERS_PAUSED = ("The organisers of {programme} have paused your place until {until}. To take part sooner, "
                      "ask them.")


@transaction.atomic
def membership_resume(*, membership: Membership, now: datetime | None = None, by_organisers: bool = False) -> Membership:
    """End a pause now, whatever its reason: from the account page, a one-click link, or its date passing.

    Resuming an active membership changes nothing; a member who left must sign up again.
    """
    membership = _locked(membership)
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    if membership.status == MembershipStatus.LEFT:
        raise ApplicationError(f"You have left {membership.programme.name}. Sign up again from its page to rejoin.")
    if membership.pause_reason == PauseReason.ORGANISERS and not by_organisers:
        raise ApplicationError(_ORGANISERS_PAUSED.format(programme=membership.programme.name,
                                                         until=f"{membership.paused_until:%-d %B %Y}"))
    fields = _resumed(now or timezone.now())
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.save(update_fields=[*fields, "updated_at"])
    return membership


def _resumed(now: datetime) -> dict:
    """What resuming sets, whichever path resumes: active, no pause date or reason, and when."""
    return {"status": MembershipStatus.ACTIVE, "paused_until": None, "pause_reason": "", "resumed_at": now}


@transaction.atomic
def membership_leave(*, membership: Membership, now: datetime | None = None) -> Membership:
    """Leave the programme (from the account page or a one-click unsubscribe); leaving twice changes nothing."""
    membership = _locked(membership)
    if membership.status == MembershipStatus.LEFT:
        return membership
    membership.status = MembershipStatus.LEFT
    membership.paused_until = None
    membership.pause_reason = ""
    membership.first_in_line = False
    membership.left_at = now or timezone.now()
    membership.save(update_fields=["status", "paused_until", "pause_reason", "first_in_line", "left_at", "updated_at"])
    membership_left.send(sender=Membership, membership=membership, now=membership.left_at)
    return membership


@transaction.atomic
def membership_set_digests(*, membership: Membership, wanted: bool) -> Membership:
    """The round-up email after each round: on (the default) or off, per programme."""
    membership = _locked(membership)
    membership.digests = wanted
    membership.save(update_fields=["digests", "updated_at"])
    return membership


def memberships_resume_due(*, now: datetime | None = None) -> int:
    """Pauses end by themselves on their date, in each programme's own time zone."""
    now = now or timezone.now()
    resumed = 0
    paused = Membership.objects.filter(status=MembershipStatus.PAUSED)
    for programme in Programme.objects.filter(pk__in=paused.values("programme")).order_by("pk"):
        today = now.astimezone(programme.tz).date()
        resumed += paused.filter(programme=programme, paused_until__lte=today).update(**_resumed(now), updated_at=now)
    return resumed


def memberships_set_first_in_line(*, membership_ids: Iterable[int], first: bool) -> int:
    """Mark members to be drawn next round whatever their rhythm (a re-match found nobody), or clear the mark."""
    return Membership.objects.filter(pk__among=list(membership_ids)).update(first_in_line=first, updated_at=timezone.now())


@transaction.atomic
def signups_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Sign-ups nobody confirmed are removed after SIGN_UP_CONFIRM_DAYS days."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SIGN_UP_CONFIRM_DAYS)
    stale = PendingSignUp.objects.filter(created_at__lt=cutoff)
    # Their confirmation emails (a name and an address that never became ours) go with them.
    messages_delete(idempotency_keys=[f"confirm:{pk}" for pk in stale.values_list("pk", flat=True)])
    deleted, _ = stale.delete()
    return deleted


INVITATION_DAYS = 30  # as long as the link works


def invitations_purge_expired(*, now: datetime | None = None) -> int:
    """Invitations nobody accepted are removed once their link has expired, with their emails."""
    now = now or timezone.now()
    stale = Invitation.objects.filter(accepted_at__isnull=True, created_at__lt=now - timedelta(days=INVITATION_DAYS))
    # Their emails (a name and an address that never became ours) go with them.
    messages_delete(idempotency_keys=[], prefixes=[f"invitation:{pk}:" for pk in stale.values_list("pk", flat=True)])
    deleted, _ = stale.delete()
    return deleted


# --- Organisers ---------------------------------------------------------------


@transaction.atomic
def organiser_add(*, programme: Programme, email: str, full_name: str = "", actor=None) -> Person:
    """Make someone an organiser of this programme (by email; a new address becomes a person who signs in
    by link like everyone), tell them so, and record it. Adding someone twice changes nothing."""
    address = normalise_email(email)
    if not address or "@" not in address or len(address) > 254:
        raise ApplicationError("Enter the organiser's email address, like name@example.org.")
    if len(full_name) > 120:
        raise ApplicationError("The organiser's name must be 120 characters or fewer.")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    person = Person.objects.get_by_email(address)
    if person is None:
        person = Person.objects.create_user(address, full_name=full_name.strip())
    elif not person.is_active:
        raise ApplicationError("That account is closed, so it cannot organise a programme.")
    if programme.organisers.filter(pk=person.pk).exists():
        return person
    programme.organisers.add(person)
    audit_record(actor=actor, action="organiser.add", subject=f"person:{person.pk}", programme=programme)
    messages_queue([Outgoing(
        template="organiser_added", to_email=person.email, person_id=person.pk, programme_id=programme.pk,
        idempotency_key=f"organiser-added:{programme.pk}:{person.pk}:{uuid.uuid4().hex}",
        context={"name": person.full_name, "programme_name": programme.name,
                 "added_by": getattr(actor, "full_name", "") or "The site's administrators",
                 "console_link": absolute_url("accounts:sign-in", query="next=/console/")},
    )])
    return person


@transaction.atomic
def organiser_remove(*, programme: Programme, person: Person, actor=None) -> None:
    """Take someone off a programme's organisers; a programme always keeps at least one."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    organisers = list(programme.organisers.filter(is_active=True).values_list("pk", flat=True))
    if person.pk not in organisers:
        raise ApplicationError("They are not an organiser of this programme.")
    if organisers == [person.pk]:
        raise ApplicationError("A programme needs at least one organiser: add another before removing the last.")
    programme.organisers.remove(person)
    audit_record(actor=actor, action="organiser.remove", subject=f"person:{person.pk}", programme=programme)


# --- Announcements ----------------------------------------------------------------

ANNOUNCEMENT_EVERY = timedelta(days=1)


def announcement_recipients(programme: Programme):
    """Who an announcement goes to: the programme's confirmed, active members with an open account."""
    return (programme.memberships.filter(status=MembershipStatus.ACTIVE, confirmed_at__isnull=False,
                                         person__is_active=True).select_related("person", "programme").order_by("pk"))


@transaction.atomic
def announcement_send(*, programme: Programme, subject: str, body: str, actor, now: datetime | None = None):
    """Email one message to every active member through the outbox, audited; at most one a day per programme."""
    now = now or timezone.now()
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ApplicationError("An announcement needs a subject and a message.")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    last = programme.announcements.order_by("-sent_at").first()
    if last is not None and now - last.sent_at < ANNOUNCEMENT_EVERY:
        nxt = timezone.localtime(last.sent_at + ANNOUNCEMENT_EVERY, programme.tz)
        raise ApplicationError(f"{programme.name} sent an announcement in the last day. The next can go from "
                               f"{nxt:%A %-d %B at %H:%M}.")
    recipients = list(announcement_recipients(programme))
    announcement = Announcement.objects.create(programme=programme, subject=subject, body=body, sent_by=actor,
                                               recipients=len(recipients), sent_at=now)
    messages_queue(Outgoing(
        template="announcement", to_email=m.person.email, person_id=m.person_id, programme_id=programme.pk,
        idempotency_key=f"announcement:{announcement.pk}:{m.pk}",
        context={**membership_email_context(m), "name": m.person.full_name, "subject": subject,
                 "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()]},
    ) for m in recipients)
    audit_record(actor=actor, action="announcement.send", subject=f"announcement:{announcement.pk}",
                 detail={"recipients": len(recipients)}, programme=programme)
    return announcement


# --- Invitations and the old spreadsheet ---------------------------------------------


@dataclass(frozen=True)
class Invitee:
    email: str
    full_name: str = ""
    organisation: str = ""
    role: str = ""
    phone: str = ""


@transaction.atomic
def invitations_send(*, programme: Programme, invitees: list[Invitee], actor=None, source: str = "invite") -> int:
    """Invite people to join (from the console, or imported rows): each gets an email with a link to confirm.
    Nobody is a member, or matched, until they confirm and agree to the rules themselves. People already
    members are skipped; inviting someone again sends a fresh link. Returns how many were invited."""
    now = timezone.now()
    members = set(programme.memberships.exclude(status=MembershipStatus.LEFT).values_list("person__email", flat=True))
    members |= set(Person.objects.filter(is_active=False).values_list("email", flat=True))  # closed accounts: never
    sent = []
    for invitee in invitees:
        email = normalise_email(invitee.email)
        if email in members:
            continue
        invitation, _ = Invitation.objects.update_or_create(
            programme=programme, email=email,
            defaults={"full_name": invitee.full_name, "organisation": invitee.organisation, "role": invitee.role,
                      "phone": invitee.phone, "invited_by": actor, "created_at": now, "accepted_at": None})
        sent.append(invitation)
    messages_queue(Outgoing(
        template="invitation", to_email=i.email, programme_id=programme.pk,
        idempotency_key=f"invitation:{i.pk}:{uuid.uuid4().hex}",
        context={"name": i.full_name, "programme_name": programme.name, "summary": programme.summary,
                 "invited_by": getattr(actor, "full_name", "") or f"The organisers of {programme.name}",
                 "link": absolute_url("programmes:invitation", kwargs={"token": INVITE.make(i.pk)}), "days": 30},
    ) for i in sent)
    audit_record(actor=actor, action=f"{source}.send", subject=f"programme:{programme.pk}",
                 detail={"invited": len(sent)}, programme=programme)
    return len(sent)


@transaction.atomic
def invitation_accept(*, invitation_id: int, full_name: str, details: MembershipDetails,
                      now: datetime | None = None) -> Membership:
    """The invited person confirms: their address is proven by the link, and their consents are recorded now,
    by them."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("programme").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at is not None:
        raise ApplicationError("This invitation has been used already. If you joined, sign in.")
    membership = _join(email=invitation.email, full_name=full_name, programme=invitation.programme, details=details,
                       agreed_at=now, now=now)
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    return membership


# --- The organisers' actions on a member ------------------------------------------------


def _organisers_message(template: str, membership: Membership, reason: str, **extra) -> Outgoing:
    return Outgoing(
        template=template, to_email=membership.person.email, person_id=membership.person_id,
        programme_id=membership.programme_id, idempotency_key=f"{template}:{membership.pk}:{uuid.uuid4().hex}",
        context={**membership_email_context(membership), "name": membership.person.full_name, "reason": reason,
                 "contact_email": membership.programme.contact_email, **extra},
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why: the member is told.")
    if len(reason) > 1000:
        raise ApplicationError("The reason must be 1000 characters or fewer.")
    return reason


@transaction.atomic
def membership_pause_by_organisers(*, membership: Membership, until: date, reason: str, actor) -> Membership:
    """An organiser pauses a member until a date, with a reason the member is emailed; audited."""
    reason = _reason(reason)
    membership = membership_pause(membership=membership, until=until, reason=PauseReason.ORGANISERS)
    audit_record(actor=actor, action="membership.pause", subject=f"person:{membership.person_id}",
                 detail={"until": until.isoformat(), "reason": reason}, programme=membership.programme_id)
    messages_queue([_organisers_message("organisers_paused", membership, reason, until=f"{until:%-d %B %Y}",
                                        resume_link=absolute_url("site:account"))])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, reason: str, actor) -> Membership:
    """An organiser removes a member from the programme, with a reason the member is emailed; audited. Their
    account and what they wrote stay theirs (they can still download or delete it)."""
    reason = _reason(reason)
    if membership.status == MembershipStatus.LEFT:
        raise ApplicationError("They have left the programme already.")
    membership = membership_leave(membership=membership)
    audit_record(actor=actor, action="membership.remove", subject=f"person:{membership.person_id}",
                 detail={"reason": reason}, programme=membership.programme_id)
    messages_queue([_organisers_message("organisers_removed", membership, reason)])
    return membership


# --- Setting a programme up ----------------------------------------------------------

SCHEDULE_FIELDS = ("cadence", "weekday", "week_of_month", "draw_time", "window_days", "notice_days", "checkin_days",
                   "time_zone", "bank_holidays")


@transaction.atomic
def programme_save(*, programme: Programme, actor) -> Programme:
    """Create a programme (its creator becomes its organiser) or save its settings; audited. A schedule
    change retimes the round already scheduled if nobody has been told of it yet."""
    programme.full_clean()
    creating = programme.pk is None
    before = None if creating else Programme.objects.select_for_update().get(pk=programme.pk)
    programme.save()
    if creating and actor is not None:
        programme.organisers.add(actor)
    changed = [] if creating else [f for f in SCHEDULE_FIELDS if getattr(before, f) != getattr(programme, f)]
    audit_record(actor=actor, action="programme.create" if creating else "programme.update",
                 subject=f"programme:{programme.pk}", detail={"schedule_changed": changed}, programme=programme)
    if changed:
        programme_schedule_changed.send(sender=Programme, programme=programme)
    return programme
