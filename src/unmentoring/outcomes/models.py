from __future__ import annotations

from django.conf import settings
from django.db import models

from unmentoring.outcomes.enums import Met


class CheckIn(models.Model):
    """A member's answer after a round: did we meet? (The full check-in form adds more.)"""

    seat = models.OneToOneField("rounds.GroupMember", on_delete=models.CASCADE, related_name="checkin")
    met = models.CharField(max_length=10, choices=Met.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.seat}: {self.met}"


class Block(models.Model):
    """"Never match me with this person again." Applies in every programme."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_pair_unique"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"),
        ]


class Report(models.Model):
    """A concern raised about someone in a member's group, for the organisers to act on."""

    seat = models.ForeignKey("rounds.GroupMember", null=True, on_delete=models.SET_NULL, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made")
    about = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_received")
    what_happened = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
