from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "unmentoring.core"
    label = "core"

    def ready(self):
        # Each app's periodic jobs and personal-data handlers register themselves (core names no app).
        autodiscover_modules("jobs", "personal_data")
