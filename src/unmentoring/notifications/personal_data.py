"""The outbox's part of a person's data: the messages sent to them."""

from unmentoring.core.personal_data import PersonalData, register, when
from unmentoring.notifications.models import Message


def _export(person) -> list[dict]:
    return [
        {"subject": m.subject, "to": m.to_email or m.to_phone, "channel": m.channel, "status": m.status,
         "queued_at": when(m.created_at), "sent_at": when(m.sent_at)}
        for m in Message.objects.filter(person=person).order_by("created_at", "pk")
    ]


def _erase(person) -> None:
    Message.objects.filter(person=person).delete()
    Message.objects.filter(to_email__iexact=person.email).delete()


register(PersonalData(key="messages", export=_export, erase=_erase))
