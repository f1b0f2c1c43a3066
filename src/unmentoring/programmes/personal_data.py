"""This app's part of a person's data: their memberships, sign-ups waiting to be confirmed, programmes they organise."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from unmentoring.core.personal_data import PersonalData, register, when
from unmentoring.programmes.models import Invitation, Membership, PendingSignUp


def _memberships(person) -> list[dict]:
    return [
        {
            "programme": m.programme.name,
            "organisation": m.organisation,
            "role": m.role,
            "phone": m.phone,
            "video_kind": m.video_kind,
            "video_handle": m.video_handle,
            "happy_to_talk_about": m.happy_to_talk_about,
            "rhythm": m.rhythm,
            "text_reminders_agreed_at": when(m.sms_agreed_at),
            "status": m.status,
            "paused_until": when(m.paused_until),
            "pause_reason": m.pause_reason,
            "rules_agreed_at": when(m.rules_agreed_at),
            "sharing_agreed_at": when(m.sharing_agreed_at),
            "confirmed_at": when(m.confirmed_at),
            "left_at": when(m.left_at),
            "joined_at": when(m.created_at),
        }
        for m in Membership.objects.filter(person=person).select_related("programme").order_by("pk")
    ]


def _forget_admin_history(person) -> None:
    """The admin's log names memberships ("Ada Lovelace in …"): drop its entries about this person's.

    The memberships themselves go with the person.
    """
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id__in=[str(pk) for pk in person.memberships.values_list("pk", flat=True)],
    ).delete()


def _sign_ups_waiting(person) -> list[dict]:
    return [
        {"programme": name, "organisation": org, "at": when(at)}
        for name, org, at in PendingSignUp.objects.filter(email__iexact=person.email)
        .order_by("pk").values_list("programme__name", "organisation", "created_at")
    ]


def _erase_sign_ups_waiting(person) -> None:
    PendingSignUp.objects.filter(email__iexact=person.email).delete()


def _invitations(person) -> list[dict]:
    return [{"programme": name, "organisation": org, "invited_at": when(at), "accepted_at": when(accepted)}
            for name, org, at, accepted in Invitation.objects.filter(email__iexact=person.email).order_by("pk")
            .values_list("programme__name", "organisation", "created_at", "accepted_at")]


def _erase_invitations(person) -> None:
    Invitation.objects.filter(email__iexact=person.email).delete()


def _programmes_organised(person) -> list[str]:
    return list(person.organised_programmes.order_by("name").values_list("name", flat=True))


register(PersonalData(key="memberships", export=_memberships, erase=_forget_admin_history))
register(PersonalData(key="sign_ups_waiting_for_confirmation", export=_sign_ups_waiting, erase=_erase_sign_ups_waiting))
register(PersonalData(key="programmes_organised", export=_programmes_organised))
register(PersonalData(key="invitations", export=_invitations, erase=_erase_invitations))
