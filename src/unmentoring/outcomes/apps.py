from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "unmentoring.outcomes"
    label = "outcomes"
