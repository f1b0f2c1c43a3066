from django.db import models


class RoundState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DRAWN = "drawn", "Drawn"
    CLOSED = "closed", "Closed"
