from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "unmentoring.programmes"
    label = "programmes"
