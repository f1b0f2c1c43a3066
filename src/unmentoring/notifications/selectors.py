from __future__ import annotations

from django.db.models import QuerySet

from unmentoring.notifications.models import Message


def messages_for_export(*, person) -> list[dict]:
    return [
        {
            "subject": m.subject,
            "to": m.to_email,
            "status": m.status,
            "queued_at": m.created_at.isoformat(),
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        }
        for m in Message.objects.filter(person=person).order_by("created_at")
    ]


def sent_mail_list() -> QuerySet[Message]:
    return Message.objects.only("pk", "to_email", "subject", "status", "created_at", "template").order_by("-created_at", "-id")
