from django.db import models


class RoundState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DRAWN = "drawn", "Drawn"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"  # by its organisers, before its draw (audited)


class Met(models.TextChoices):
    YES = "yes", "Yes, we met"
    PLANNED = "planned", "Not yet, but we have arranged to"
    NO = "no", "No, we did not meet"


class NotMetReason(models.TextChoices):
    NO_TIME = "no_time", "We could not find a time"
    NO_REPLY = "no_reply", "My match did not reply"
    CANCELLED = "cancelled", "It was arranged but cancelled"
    OTHER = "other", "Something else"


class Minutes(models.IntegerChoices):
    QUARTER = 15, "About 15 minutes"
    HALF = 30, "About 30 minutes"
    THREE_QUARTERS = 45, "About 45 minutes"
    HOUR = 60, "An hour or more"


class Challenge(models.IntegerChoices):
    """"Did the conversation challenge or change your thinking?", each point in words."""

    NOT_AT_ALL = 1, "1 – Not at all"
    A_LITTLE = 2, "2 – A little"
    SOMEWHAT = 3, "3 – Somewhat"
    A_LOT = 4, "4 – A lot"
    COMPLETELY = 5, "5 – Completely"


class Publish(models.TextChoices):
    NAMED = "named", "Publish it with my name and organisation"
    ANONYMOUS = "anonymous", "Publish it without my name"
    PRIVATE = "private", "Keep it private"


class Arm(models.TextChoices):
    """Which half of an experiment's draw a seat was in (blank outside an experiment)."""

    RANDOM = "random", "Matched at random"
    SIMILAR = "similar", "Matched by what you have in common"


class RematchOutcome(models.TextChoices):
    """How a seat's request for a new match was settled."""

    WAITING = "waiting", "Nobody else was waiting: first in line next round"
    REGROUPED = "regrouped", "Moved to a new group this round"
