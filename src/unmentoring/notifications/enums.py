from django.db import models


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # gave up after retrying for OUTBOX_RETRY_HOURS; can be requeued
    CANCELLED = "cancelled", "Not sent: no longer applies"  # e.g. the person it named was erased


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
