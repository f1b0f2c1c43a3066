from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unmentoring.core"
    label = "core"

    def ready(self):
        from unmentoring.core import checks  # noqa: F401  (registers the system checks)
