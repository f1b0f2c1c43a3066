from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "unmentoring.notifications"
    label = "notifications"
