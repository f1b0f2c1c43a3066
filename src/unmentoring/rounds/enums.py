from django.db import models


class RoundState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DRAWN = "drawn", "Drawn"
    CLOSED = "closed", "Closed"


class Met(models.TextChoices):
    YES = "yes", "We met"
    NOT_YET = "not_yet", "Not yet"
    NO = "no", "We didn't meet"


class RematchOutcome(models.TextChoices):
    """How a seat's request for a new match was settled."""

    WAITING = "waiting", "Nobody else was waiting: first in line next round"
    REGROUPED = "regrouped", "Moved to a new group this round"
