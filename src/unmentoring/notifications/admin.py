from django.contrib import admin, messages
from django.db import transaction

from unmentoring.core.admin import AuditedAdmin, ReadOnlyAdmin
from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import messages_requeue


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin, AuditedAdmin):
    """The outbox, read-only. Bodies, contexts and attachments are never shown: they hold live sign-in,
    confirmation and calendar links (anyone reading them could act as the recipient) and contact details."""

    list_display = ["subject", "to_email", "template", "status", "attempts", "queued_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "subject"]
    fields = ["subject", "to_email", "to_phone", "channel", "template", "status", "attempts", "last_error",
              "created_at", "queued_at", "next_attempt_at", "rendered_at", "sent_at"]
    readonly_fields = fields
    actions = ["requeue"]
    # Filters on content would answer yes/no about a live link a character at a time (?body_text__contains=…).
    hidden_lookups = ("subject", "body_text", "body_html", "context", "headers", "attachments", "idempotency_key")

    @admin.action(description="Requeue the selected failed messages (after a mail server outage)")
    def requeue(self, request, queryset):
        ids = list(queryset.filter(status=MessageStatus.FAILED).values_list("pk", flat=True))
        with transaction.atomic():
            count = messages_requeue(ids=ids)
            self._audit_bulk(request, "requeue", f"messages:{count}")
        self.message_user(request, f"Requeued {count} failed message{'s' if count != 1 else ''}.",
                          messages.SUCCESS if count else messages.WARNING)
