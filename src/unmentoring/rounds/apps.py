from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "unmentoring.rounds"
    label = "rounds"

    def ready(self):
        # The intro's loader registers itself with the outbox when its module is imported.
        from unmentoring.rounds import emails  # noqa: F401, PLC0415  (needs the app registry)
