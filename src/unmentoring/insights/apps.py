from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "unmentoring.insights"
    label = "insights"
    verbose_name = "Insights"
