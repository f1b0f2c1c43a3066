"""This app's part of a person's data: who they are, their sign-in requests, blocks, and the audit log about them."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from unmentoring.accounts.models import LinkRequest, Person
from unmentoring.core.models import AuditEvent
from unmentoring.core.personal_data import PersonalData, register, when


def _person(person: Person) -> dict:
    return {
        "full_name": person.full_name,
        "email": person.email,
        "email_confirmed_at": when(person.email_confirmed_at),
        "created_at": when(person.created_at),
        "last_sign_in_at": when(person.last_login),
    }


def _forget_admin_history(person: Person) -> None:
    """The admin's own log keeps object names ("Ada Lovelace"): drop its entries about this person."""
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)).delete()


def _sign_in_requests(person: Person) -> list[dict]:
    return [
        {"kind": kind, "ip": ip, "at": when(at)}
        for kind, ip, at in LinkRequest.objects.filter(email__iexact=person.email).values_list("kind", "ip", "created_at")
    ]


def _erase_sign_in_requests(person: Person) -> None:
    LinkRequest.objects.filter(email__iexact=person.email).delete()


def _blocked(person: Person) -> list[str]:
    return list(person.blocks_made.order_by("pk").values_list("blocked__full_name", flat=True))


def _actions_recorded(person: Person) -> list[dict]:
    return [
        {"action": action, "subject": subject, "at": when(at)}
        for action, subject, at in AuditEvent.objects.filter(actor=person).values_list("action", "subject", "created_at")
    ]


register(PersonalData(key="person", export=_person, erase=_forget_admin_history, order=0))
register(PersonalData(key="sign_in_requests", export=_sign_in_requests, erase=_erase_sign_in_requests))
# Blocks go with the person (cascade); the audit log keeps events, with the actor cleared.
register(PersonalData(key="blocked", export=_blocked))
register(PersonalData(key="actions_recorded", export=_actions_recorded))
