from __future__ import annotations

from django.db.models import Count, QuerySet

from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message


def sent_mail_list() -> QuerySet[Message]:
    return Message.objects.only("pk", "to_email", "subject", "status", "created_at", "template").order_by("-created_at", "-id")


def outbox_counts() -> dict[str, int]:
    """How many messages are in each status, every status listed."""
    counts = dict(Message.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in MessageStatus.values}
