from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Pages that compose several apps: the home page, a programme's page, a person's account page."""

    name = "unmentoring.site"
    label = "site"
