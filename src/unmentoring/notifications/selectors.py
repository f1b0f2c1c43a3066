from __future__ import annotations

from django.db.models import QuerySet

from unmentoring.notifications.models import Message


def sent_mail_list() -> QuerySet[Message]:
    return Message.objects.only("pk", "to_email", "subject", "status", "created_at", "template").order_by("-created_at", "-id")
