from __future__ import annotations

import hashlib

from django.db import models
from django.urls import reverse

from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import Met, RematchOutcome, RoundState


def seed_digest(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


class Round(models.Model):
    """A programme's numbered round: its timetable, its committed seed and its state."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=RoundState.choices, default=RoundState.SCHEDULED)
    notice_at = models.DateTimeField()
    draw_at = models.DateTimeField()
    nudge_at = models.DateTimeField()
    window_ends_at = models.DateTimeField()
    close_at = models.DateTimeField()
    # 64 hex characters, secret until the draw; its SHA-256 is shown from the start.
    seed = models.CharField(max_length=64)
    seed_sha256 = models.CharField(max_length=64)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    # Public: shown on the round page. Never names anyone.
    draw_note = models.CharField(max_length=300, blank=True)
    # For organisers only (the admin): why a draw failed, naming memberships by id.
    draw_problem = models.TextField(blank=True)
    nudge_sent_at = models.DateTimeField(null=True, blank=True)
    checkin_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="round_programme_number_unique"),
            models.CheckConstraint(
                condition=models.Q(notice_at__lte=models.F("draw_at"))
                & models.Q(draw_at__lt=models.F("window_ends_at"))
                & models.Q(window_ends_at__lte=models.F("close_at")),
                name="round_timetable_in_order",
            ),
        ]
        indexes = [models.Index(fields=["state", "draw_at"], name="round_state_draw")]

    def __str__(self) -> str:
        return f"{self.programme} round {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("rounds:detail", kwargs={"slug": self.programme.slug, "number": self.number})

    @property
    def seed_revealed(self) -> bool:
        return self.state != RoundState.SCHEDULED

    @property
    def engine_seed(self) -> int:
        return int(self.seed, 16)


class Group(models.Model):
    """Who was matched with whom in a round, and why (the engine's explanation)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField()
    explanation = models.CharField(max_length=300)
    is_rematch = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="group_round_number_unique")]

    def __str__(self) -> str:
        return f"{self.round} group {self.number}"


class Seat(models.Model):
    """A member's place in a group. The membership is cleared on erasure; the organisation stays for statistics."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="seats")
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="seats")
    organisation = models.CharField(max_length=120)
    rematch_requested_at = models.DateTimeField(null=True, blank=True)
    # Blank until a re-match request is settled (see RematchOutcome).
    rematch_outcome = models.CharField(max_length=20, choices=RematchOutcome.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "membership"], name="seat_group_membership_unique")]
        indexes = [models.Index(fields=["membership", "group"], name="seat_membership_group")]

    def __str__(self) -> str:
        return f"seat {self.pk} in {self.group}"


class CheckIn(models.Model):
    """A member's answer after a round, one per seat: did we meet? (The full check-in adds more.)"""

    seat = models.OneToOneField(Seat, on_delete=models.CASCADE, related_name="checkin")
    met = models.CharField(max_length=10, choices=Met.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.seat}: {self.met}"
