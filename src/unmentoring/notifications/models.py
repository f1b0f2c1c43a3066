from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from unmentoring.notifications.enums import Channel, MessageStatus


class Message(models.Model):
    """One email in the outbox, delivered by a background task.

    Queueing stores the template name and a JSON context, so that a draw can
    queue a hundred thousand intros in one transaction; the subject and bodies
    are rendered at the first delivery attempt and kept. The idempotency key
    makes queueing the same message twice a no-op, so a retried request or a
    re-run job queues nothing twice. Delivery itself is at least once (see
    ``messages_deliver_due``): a rare resend carries the same Message-ID.
    """

    idempotency_key = models.CharField(max_length=200, unique=True)
    template = models.CharField(max_length=100)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    to_email = models.EmailField(max_length=254, blank=True)
    to_phone = models.CharField(max_length=32, blank=True)
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename": ..., "content_type": ..., "content": <str>}]
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    # Retries run for OUTBOX_RETRY_HOURS from here; a requeue starts the clock again.
    queued_at = models.DateTimeField(default=timezone.now)
    # The programme a message is about, if any (no foreign key: the outbox sits below programmes), so that
    # its organisers hear when its mail cannot be delivered.
    programme_id = models.PositiveBigIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due")]

    def __str__(self) -> str:
        return f"{self.template} to {self.to_email} ({self.status})"


class SendingAllowance(models.Model):
    """What a rate-limited provider (GOV.UK Notify) still allows: a token bucket shared by every worker,
    and what was sent on its current day (see ``notifications.pacing``)."""

    name = models.CharField(max_length=20, unique=True)
    tokens = models.FloatField()
    refilled_at = models.DateTimeField()
    day = models.DateField()
    sent_email = models.PositiveIntegerField(default=0)
    sent_sms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.tokens:.0f} tokens, {self.sent_email} emails and {self.sent_sms} texts on {self.day}"
