from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from unmentoring.matching import MAX_GROUP_SIZE, MIN_GROUP_SIZE
from unmentoring.programmes.enums import (
    BankHolidayDivision,
    Cadence,
    MembershipStatus,
    PauseReason,
    Rhythm,
    SameOrgPolicy,
    VideoKind,
    Weekday,
    WeekOfMonth,
)

DEFAULT_RULES = "No sales pitches. Be curious, be kind, and keep what you hear in confidence."
DEFAULT_PROMPTS = (
    "Think: what is one thing you are wrestling with at work right now?\n"
    "Do: what will you try differently after this conversation?\n"
    "Share: what could you post so others learn from it too?"
)


RESERVED_SLUGS = {"new"}  # /console/programmes/new/ sets a programme up


class Programme(models.Model):
    """One scheme: its name, rules and who may join."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    summary = models.CharField(max_length=280, help_text="One sentence shown in lists.")
    description = models.TextField(blank=True)
    rules_text = models.TextField(default=DEFAULT_RULES)
    prompts = models.TextField(default=DEFAULT_PROMPTS, help_text="One prompt a line.")
    is_open = models.BooleanField(default=True, help_text="Anyone may sign up (otherwise invite only).")
    insights_public = models.BooleanField(
        default=True, help_text="The public “Does it work?” page shows this programme's figures, in aggregate.")
    contact_email = models.EmailField(blank=True, help_text="Where members can reach the organisers.")
    hashtag = models.CharField(max_length=40, blank=True, help_text="Added to the posts members share, e.g. #localgovdigital.")
    organisers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="organised_programmes")
    created_at = models.DateTimeField(auto_now_add=True)

    # The cycle (docs/design.md §3, §4).
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY, help_text="Day of the draw.")
    week_of_month = models.SmallIntegerField(
        choices=WeekOfMonth.choices, default=WeekOfMonth.FIRST, help_text="Monthly programmes: which of the month's weekdays."
    )
    draw_time = models.TimeField(default=dt.time(9, 0), help_text="Local time of the draw.")
    window_days = models.PositiveSmallIntegerField(default=14, help_text="Days the pairs have to meet.")
    notice_days = models.PositiveSmallIntegerField(default=3, help_text="Days before the draw that members are told they are in.")
    checkin_days = models.PositiveSmallIntegerField(default=5, help_text="Days after the window for checking in, before the round closes.")
    group_size = models.PositiveSmallIntegerField(default=2)
    same_org_policy = models.CharField(max_length=5, choices=SameOrgPolicy.choices, default=SameOrgPolicy.AVOID)
    # The founding question as a randomised trial (docs/design.md §7): at each draw, half the members are
    # matched at random and half by what they have in common; the insights compare the two.
    experiment = models.BooleanField(default=False)
    time_zone = models.CharField(max_length=60, default="Europe/London")
    bank_holidays = models.CharField(
        max_length=20, choices=BankHolidayDivision.choices, default=BankHolidayDivision.ENGLAND_AND_WALES
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(group_size__gte=MIN_GROUP_SIZE, group_size__lte=MAX_GROUP_SIZE),
                                   name="programme_group_size_2_to_5"),
            models.CheckConstraint(condition=models.Q(window_days__gte=1), name="programme_window_at_least_a_day"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:programme", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = f"“{self.time_zone}” is not a time zone, like Europe/London"
        if not MIN_GROUP_SIZE <= (self.group_size or 0) <= MAX_GROUP_SIZE:
            errors["group_size"] = f"Group size must be between {MIN_GROUP_SIZE} and {MAX_GROUP_SIZE}"
        if self.window_days is not None and not 1 <= self.window_days <= 90:
            errors["window_days"] = "The conversation window must be between 1 and 90 days"
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"“{self.slug}” is taken by the service itself: choose another web address"
        if self.hashtag and not re.fullmatch(r"#\w{1,39}", self.hashtag):
            errors["hashtag"] = "A hashtag starts with # and has only letters, numbers and underscores, like #localgovdigital"
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def description_paragraphs(self) -> list[str]:
        return [" ".join(part.split()) for part in re.split(r"\r?\n[ \t]*\r?\n", self.description) if part.strip()]

    @property
    def prompt_lines(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]


class Membership(models.Model):
    """A person in a programme, with the contact details they agreed to share with their matches."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.CharField(max_length=120)
    role = models.CharField("job role", max_length=120)
    phone = models.CharField(max_length=32, help_text="Stored in international (E.164) format.")
    video_kind = models.CharField(max_length=20, choices=VideoKind.choices, blank=True)
    video_handle = models.CharField(max_length=200, blank=True)
    happy_to_talk_about = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE)
    rhythm = models.CharField(max_length=12, choices=Rhythm.choices, default=Rhythm.EVERY_ROUND)
    # The round-up email after each round; a member can turn it off (account page, one-click link in it).
    digests = models.BooleanField(default=True)
    # Set when a re-match found nobody: this member is drawn next round whatever their rhythm.
    first_in_line = models.BooleanField(default=False)
    # Why it is paused (blank unless paused); set and cleared only by the membership services.
    pause_reason = models.CharField(max_length=20, choices=PauseReason.choices, blank=True)
    # When the last pause ended: only rounds after it count towards being paused for silence.
    resumed_at = models.DateTimeField(null=True, blank=True)
    # When the latest pause began (kept after it ends, with resumed_at, for the insights' growth figures).
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    rules_agreed_at = models.DateTimeField()
    sharing_agreed_at = models.DateTimeField()
    # Text reminders (only offered when GOV.UK Notify is configured, and only to mobile numbers).
    sms_agreed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "programme"], name="membership_person_programme_unique"),
            models.CheckConstraint(
                condition=~models.Q(status=MembershipStatus.PAUSED) | models.Q(paused_until__isnull=False),
                name="membership_paused_has_date",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="membership_programme_status")]

    def __str__(self) -> str:
        return f"{self.person} in {self.programme}"

    @property
    def phone_display(self) -> str:
        """The stored E.164 number as people write it: "+44 7911 123456"."""
        try:
            return phonenumbers.format_number(phonenumbers.parse(self.phone), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return self.phone


class PendingSignUp(models.Model):
    """A sign-up waiting for its email address to be confirmed.

    Nothing in it is used, and no membership or person is touched, until the
    link emailed to the address is followed: a stranger who types someone
    else's address changes nothing. Removed after SIGN_UP_CONFIRM_DAYS days.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pending_sign_ups")
    email = models.EmailField(max_length=254, db_index=True)
    full_name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=120)
    role = models.CharField(max_length=120)
    phone = models.CharField(max_length=32)
    video_kind = models.CharField(max_length=20, choices=VideoKind.choices, blank=True)
    video_handle = models.CharField(max_length=200, blank=True)
    happy_to_talk_about = models.CharField(max_length=200, blank=True)
    rhythm = models.CharField(max_length=12, choices=Rhythm.choices, default=Rhythm.EVERY_ROUND)
    text_reminders = models.BooleanField(default=False)
    agreed_at = models.DateTimeField(help_text="When the programme rules and sharing contact details were agreed.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} waiting to join {self.programme}"


class Announcement(models.Model):
    """One message from a programme's organisers to its active members (at most one a day)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="announcements")
    subject = models.CharField(max_length=120)
    body = models.TextField(max_length=5000)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.programme}, {self.sent_at:%Y-%m-%d})"


class Invitation(models.Model):
    """Someone an organiser invited (or imported from the old spreadsheet). They are not a member, and are
    never matched, until they follow the emailed link and agree to the rules themselves."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "email"], name="invitation_programme_email_unique")]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.programme}"
