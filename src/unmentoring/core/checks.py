from django.conf import settings
from django.core.checks import Error, register

from unmentoring.settings import DEMO_SECRET_KEY


@register()
def demo_secret_key_only_in_the_demo(app_configs=None, **kwargs):
    """The published demo key signs links that reveal contact details: refuse it outside the demo."""
    if settings.SECRET_KEY == DEMO_SECRET_KEY and not (settings.DEBUG or settings.DEMO_MODE):
        return [Error(
            "SECRET_KEY is the published demo key, and this is not the demo.",
            hint="Set SECRET_KEY to a long random value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`).",
            id="unmentoring.E001",
        )]
    return []
