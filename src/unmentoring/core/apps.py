from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unmentoring.core"
    label = "core"
