"""An organiser's first visit to the console, in a real browser with axe on every page, JavaScript on and off."""

import pytest

from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.services import sign_in_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JS_ON_AND_OFF = pytest.mark.parametrize("page", [True, False], indirect=True, ids=["js", "no-js"])


def check(page, name):
    assert_accessible(page)
    assert page.console_errors == []
    screenshot(page, f"console-{name}-{'js' if page.javascript_enabled else 'no-js'}")


@JS_ON_AND_OFF
def test_an_organiser_signs_in_lands_on_the_console_adds_a_co_organiser_and_reads_the_audit_log(page, settings, live_server):
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee")
    organiser = PersonFactory(full_name="Olu Organiser", email="olu@example.org")
    programme.organisers.add(organiser)
    for _ in range(3):
        MembershipFactory(programme=programme)

    page.goto(sign_in_link(organiser))
    page.get_by_test_id("sign-in-button").click()
    assert page.title().startswith("Organisers' console")
    check(page, "home")
    page.get_by_role("link", name="LocalGov Coffee").click()
    assert page.get_by_test_id("member-counts").inner_text().count("3") == 1
    check(page, "programme")

    page.get_by_role("navigation", name="LocalGov Coffee in the console").get_by_role("link", name="Organisers").click()
    check(page, "organisers")
    page.get_by_role("button", name="Add organiser").click()
    assert page.title().startswith("Error: ")
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter their email address").click()
    check(page, "organisers-error")
    page.get_by_label("Their email address").fill("pat@example.org")
    page.get_by_label("Their name (optional)").fill("Pat Partner")
    page.get_by_role("button", name="Add organiser").click()
    assert "Pat Partner" in page.get_by_test_id("organisers").inner_text()
    check(page, "organisers-added")

    page.get_by_role("link", name="Audit log").click()
    assert "Pat Partner" in page.get_by_test_id("audit-log").inner_text()
    check(page, "audit")
