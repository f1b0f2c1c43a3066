from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "unmentoring.rounds"
    label = "rounds"

    def ready(self):
        from unmentoring.rounds import emails  # noqa: F401  (registers the message loaders)
