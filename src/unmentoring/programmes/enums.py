from django.db import models

from unmentoring.matching import SAME_ORG_ALLOW, SAME_ORG_AVOID


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class PauseReason(models.TextChoices):
    """Why a membership is paused; cleared when it resumes, by whatever path."""

    ASKED = "asked", "Paused by the member"
    SKIPPED_ROUND = "skipped_round", "Skipping one round"
    SILENT = "silent", "Paused after three rounds without an answer"
    ORGANISERS = "organisers", "Paused by the organisers"


class VideoKind(models.TextChoices):
    GOOGLE_MEET = "google_meet", "Google Meet"
    TEAMS = "teams", "Microsoft Teams"
    ZOOM = "zoom", "Zoom"
    SKYPE = "skype", "Skype"
    OTHER = "other", "Other"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, "First"
    SECOND = 2, "Second"
    THIRD = 3, "Third"
    FOURTH = 4, "Fourth"
    LAST = -1, "Last"


class SameOrgPolicy(models.TextChoices):
    """The matching engine's same-organisation policy (its values are the engine's), as a programme setting."""

    AVOID = SAME_ORG_AVOID, "Avoid matching people from the same organisation"
    ALLOW = SAME_ORG_ALLOW, "Allow matching people from the same organisation"


class BankHolidayDivision(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class Rhythm(models.TextChoices):
    EVERY_ROUND = "every", "Every round"
    EVERY_OTHER = "every_other", "Every other round"
    QUARTERLY = "quarterly", "About once a quarter"
