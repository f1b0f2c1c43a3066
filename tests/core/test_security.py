import importlib
import os

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory
from unmentoring import settings as project_settings
from unmentoring.core.models import AuditEvent
from unmentoring.settings import _mailer_from_url

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy_and_safety_headers(client, programme):
    response = client.get(programme.get_absolute_url())
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_hsts_over_plain_http_and_hsts_over_tls(client, settings):
    assert "Strict-Transport-Security" not in client.get(reverse("site:home"))
    settings.SECURE_HSTS_SECONDS = 31536000

    response = Client().get(reverse("site:home"), secure=True)  # middleware reads settings when loaded
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookies_are_secure_and_http_only_behind_tls():
    before = os.environ["SITE_URL"]
    os.environ["SITE_URL"] = "https://coffee.example.org"
    try:
        reloaded = importlib.reload(project_settings)
        assert (reloaded.SESSION_COOKIE_SECURE, reloaded.CSRF_COOKIE_SECURE, reloaded.SESSION_COOKIE_HTTPONLY) == (True, True, True)
        assert reloaded.SECURE_HSTS_SECONDS > 0
        assert reloaded.SECURE_CSP["upgrade-insecure-requests"] is True
    finally:
        os.environ["SITE_URL"] = before
        importlib.reload(project_settings)


@pytest.mark.parametrize(("url", "expected"), [
    ("", {"BACKEND": "unmentoring.notifications.backends.OutboxOnlyBackend"}),
    ("smtp://127.0.0.1:2525", {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": "127.0.0.1", "port": 2525, "username": "", "password": "", "use_tls": False, "use_ssl": False, "timeout": 20}}),
    ("smtp+tls://user:secret@smtp.example.org:587", {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": "smtp.example.org", "port": 587, "username": "user", "password": "secret", "use_tls": True, "use_ssl": False, "timeout": 20}}),
    ("consolemail://", {"BACKEND": "django.core.mail.backends.console.EmailBackend"}),
])
def test_email_url_maps_to_a_mailer(url, expected):
    assert _mailer_from_url(url) == expected


def test_unknown_pages_get_our_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.mark.django_db
def test_organisers_changes_in_the_admin_are_audited(client, member):
    organiser = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(organiser)
    url = reverse("admin:programmes_membership_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {f.name: f.value() or "" for f in page.context["adminform"].form}
    data.update({"organisation": "Renamed Org", "person": member.person_id, "programme": member.programme_id})
    for name in ("rules_agreed_at", "sharing_agreed_at", "confirmed_at", "created_at"):
        value = getattr(member, name)
        data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor, event.subject) == (organiser, f"programmes.membership:{member.pk}")
