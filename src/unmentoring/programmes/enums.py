from django.db import models


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class VideoKind(models.TextChoices):
    GOOGLE_MEET = "google_meet", "Google Meet"
    TEAMS = "teams", "Microsoft Teams"
    ZOOM = "zoom", "Zoom"
    SKYPE = "skype", "Skype"
    OTHER = "other", "Other"
