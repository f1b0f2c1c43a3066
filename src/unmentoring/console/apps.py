from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "unmentoring.console"
    label = "console"
    verbose_name = "Organisers' console"
