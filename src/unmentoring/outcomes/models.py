from __future__ import annotations

from django.conf import settings
from django.db import models


class Report(models.Model):
    """A concern raised about someone in a member's group, for the organisers to act on."""

    seat = models.ForeignKey("rounds.Seat", null=True, on_delete=models.SET_NULL, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made")
    about = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_received")
    what_happened = models.TextField(max_length=2000)
    blocked = models.BooleanField(default=False, help_text="The reporter also asked never to be matched with them again.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True, max_length=2000, help_text="What the organisers did (for them only).")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Report {self.pk} of {self.created_at:%Y-%m-%d}"
