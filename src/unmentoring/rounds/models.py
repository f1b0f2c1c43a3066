from __future__ import annotations

import hashlib

from django.db import models
from django.urls import reverse

from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import Arm, Challenge, Met, Minutes, NotMetReason, Publish, RematchOutcome, RoundState


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
    cancelled_at = models.DateTimeField(null=True, blank=True)

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
        return self.state in (RoundState.DRAWN, RoundState.CLOSED)  # a cancelled round's seed was never used

    def groups_can_change(self, now) -> bool:
        """Whether organisers may still add, draw or move people in this round's groups: drawn, window open."""
        return self.state == RoundState.DRAWN and now < self.window_ends_at

    @property
    def engine_seed(self) -> int:
        return int(self.seed, 16)


class Group(models.Model):
    """Who was matched with whom in a round, and why (the engine's explanation)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField()
    explanation = models.CharField(max_length=300)
    is_rematch = models.BooleanField(default=False)
    # Counts the organisers' changes to who is in it: the calendar hold's SEQUENCE, so calendars update it.
    revision = models.PositiveIntegerField(default=0)
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
    # In a programme running the experiment: the arm this seat was drawn in (seeded by the round's seed).
    arm = models.CharField(max_length=10, choices=Arm.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "membership"], name="seat_group_membership_unique")]
        indexes = [models.Index(fields=["membership", "group"], name="seat_membership_group")]

    def __str__(self) -> str:
        return f"seat {self.pk} in {self.group}"


class CheckIn(models.Model):
    """A member's answer after a round, one per seat: did we meet, how it went, what they learned.

    Its ``learned`` text is public only if ``publish`` says so (and no organiser has hidden it); everything
    else stays with the member and the programme's organisers (docs/design.md §6).
    """

    seat = models.OneToOneField(Seat, on_delete=models.CASCADE, related_name="checkin")
    met = models.CharField(max_length=10, choices=Met.choices)
    not_met_reason = models.CharField(max_length=12, choices=NotMetReason.choices, blank=True)
    not_met_detail = models.CharField(max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(choices=Minutes.choices, null=True, blank=True)
    challenge = models.PositiveSmallIntegerField(choices=Challenge.choices, null=True, blank=True)
    learned = models.TextField(max_length=1000, blank=True)
    shared_url = models.URLField(max_length=500, blank=True)
    publish = models.CharField(max_length=10, choices=Publish.choices, default=Publish.PRIVATE)
    # An organiser took it off the feed (audited); the member's own choice is kept.
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(challenge__isnull=True) | models.Q(challenge__gte=1, challenge__lte=5),
                                   name="checkin_challenge_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["publish", "hidden_at"], name="checkin_published"),
            # The learning feed and the programme page: the newest published learnings, read in order and
            # stopped at a page, not every published learning sorted (1,000 of 1,200,000 check-ins: 14 ms → 1 ms).
            models.Index(fields=["-created_at", "-id"], name="checkin_learning_newest",
                         condition=models.Q(publish__in=["named", "anonymous"], hidden_at__isnull=True)
                         & ~models.Q(learned="")),
        ]

    @property
    def is_published(self) -> bool:
        return self.publish != Publish.PRIVATE and bool(self.learned) and self.hidden_at is None

    def __str__(self) -> str:
        return f"{self.seat}: {self.met}"


class PastPairing(models.Model):
    """Two members who met before this service ran the programme (from its old spreadsheet): the engine avoids
    pairing them again, as it does pairs from past rounds. ``round`` orders them before round 1 (0 is the
    latest spreadsheet round, -1 the one before…)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="past_pairings")
    a = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=40, help_text="The round or month as the spreadsheet had it.")
    round = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "a", "b", "label"], name="past_pairing_unique"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="past_pairing_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.a_id} and {self.b_id} ({self.label})"
