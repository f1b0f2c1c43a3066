from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo programme `make run` loads: made-up people, past rounds and check-ins."""

    name = "unmentoring.demo"
    label = "demo"
