from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to whose data, and when (docs/design.md §6)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    # Plain text, not a foreign key: the record outlives the people it names.
    subject = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)
    # The programme it happened in, when there is one: its organisers read its log. A plain number, as
    # core knows no app (notifications' Message.programme_id is the same).
    programme_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action}: {self.subject}"
