from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *, kwargs: dict | None = None, query: str = "") -> str:
    """A full link for emails: SITE_URL plus the reversed path (and an optional query string)."""
    url = settings.SITE_URL + reverse(viewname, kwargs=kwargs)
    return f"{url}?{query}" if query else url
