from django.db import models


class Met(models.TextChoices):
    YES = "yes", "We met"
    NOT_YET = "not_yet", "Not yet"
    NO = "no", "We didn't meet"
