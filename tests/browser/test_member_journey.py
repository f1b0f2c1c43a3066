"""A new member's whole journey in a real browser: sign up, confirm, sign in by link, edit, pause, export, delete."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import assert_accessible, screenshot
from tests.conftest import run_tasks
from tests.factories import ProgrammeFactory
from unmentoring.accounts.models import Person
from unmentoring.notifications.services import messages_deliver_due
from unmentoring.programmes.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JS_ON_AND_OFF = pytest.mark.parametrize("page", [True, False], indirect=True, ids=["js", "no-js"])


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True  # the sent-mail page stands in for an inbox
    return ProgrammeFactory(name="LocalGov Coffee", slug="localgov-coffee", summary="Meet someone from another council.")


def check(page, name):
    """Every page on the way: no axe violations, no console errors, and a screenshot to look at."""
    assert_accessible(page)
    assert page.console_errors == []
    screenshot(page, f"journey-{name}-{'js' if page.javascript_enabled else 'no-js'}")


def open_latest_email(page, subject_start: str) -> str:
    """Let the worker deliver, open the newest message with this subject on the sent-mail page; return its first link."""
    messages_deliver_due()  # what the task worker does within a second of the request
    page.goto("/sent-mail/")
    check(page, "sent-mail")
    page.get_by_test_id("sent-mail-link").filter(has_text=subject_start).first.click()
    check(page, "email")
    text = page.get_by_test_id("message-text").inner_text()
    return re.search(r"http://\S+", text).group(0)


@JS_ON_AND_OFF
def test_a_new_member_signs_up_confirms_signs_in_edits_pauses_exports_and_deletes(page, demo, live_server, settings):
    settings.SITE_URL = live_server.url

    page.goto("/programmes/localgov-coffee/")
    check(page, "programme")
    page.get_by_test_id("sign-up-start").click()
    check(page, "sign-up")

    page.get_by_test_id("sign-up-submit").click()  # nothing filled in
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter your full name").is_visible()
    check(page, "sign-up-errors")

    page.get_by_label("Full name", exact=True).fill("Grace Hopper")
    page.get_by_label("Email address", exact=True).fill("grace@example.org")
    page.get_by_label("Organisation", exact=True).fill("Leeds City Council")
    page.get_by_label("Job role", exact=True).fill("Developer")
    page.get_by_label("Phone number", exact=True).fill("07911 123456")
    page.get_by_label("I agree to the programme rules").check()
    page.get_by_label("I agree to share my name").check()
    page.get_by_test_id("sign-up-submit").click()
    assert page.get_by_test_id("check-email-heading").inner_text() == "Check your email"
    check(page, "check-email")

    page.goto(open_latest_email(page, "Confirm your email address"))
    check(page, "confirm")
    page.get_by_test_id("confirm-button").click()
    assert page.title().startswith("Your account")
    assert "Leeds City Council" in page.get_by_test_id("membership-localgov-coffee").inner_text()
    check(page, "account")

    # Sign out, then back in with a link: the GET shows a button, the POST signs in.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/sign-in/")
    check(page, "sign-in")
    page.get_by_label("Email address", exact=True).fill("grace@example.org")
    page.get_by_role("button", name="Email me a link").click()
    check(page, "sign-in-check-email")
    run_tasks()  # the worker looks the address up and queues the email, after the response
    page.goto(open_latest_email(page, "Your link to sign in"))
    check(page, "sign-in-link")
    page.get_by_test_id("sign-in-button").click()
    assert page.title().startswith("Your account")

    page.get_by_role("link", name="Change details for LocalGov Coffee").click()
    check(page, "details")
    page.get_by_label("Organisation", exact=True).fill("Hackney Council")
    page.get_by_label("Phone number", exact=True).fill("nonsense")
    page.get_by_test_id("details-save").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, "details-errors")
    page.get_by_label("Phone number", exact=True).fill("+44 7911 123457")
    page.get_by_test_id("details-save").click()
    assert "Hackney Council" in page.get_by_test_id("membership-localgov-coffee").inner_text()

    page.get_by_test_id("pause-link").click()
    check(page, "pause")
    until = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Day").fill(str(until.day))
    page.get_by_label("Month").fill(str(until.month))
    page.get_by_label("Year").fill(str(until.year))
    page.get_by_test_id("pause-submit").click()
    status = page.get_by_test_id("membership-status").inner_text()
    assert status.startswith("Paused") and f"{until:%B} {until.year}" in status
    check(page, "paused")
    membership = Membership.objects.get(person__email="grace@example.org")
    assert (membership.status, membership.paused_until, membership.organisation) == ("paused", until, "Hackney Council")

    with page.expect_download() as download:
        page.get_by_test_id("download-data").click()
    data = json.loads(download.value.path().read_text())
    assert data["person"]["email"] == "grace@example.org"

    page.get_by_test_id("delete-account").click()
    check(page, "delete")
    page.get_by_test_id("delete-button").click()
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("I understand").check()
    page.get_by_test_id("delete-button").click()
    check(page, "deleted")
    assert not Person.objects.filter(email="grace@example.org").exists()
