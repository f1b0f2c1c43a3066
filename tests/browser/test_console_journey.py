"""An organiser's first visit to the console, in a real browser with axe on every page, JavaScript on and off."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.services import sign_in_link
from unmentoring.notifications.services import messages_deliver_due
from unmentoring.rounds.models import Group
from unmentoring.rounds.services.lifecycle import round_draw, round_schedule_next

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
    for n in range(4):
        MembershipFactory(programme=programme, organisation=f"Org {n % 2}")
    rnd = round_schedule_next(programme=programme, now=timezone.now() - timedelta(days=9))
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    round_schedule_next(programme=programme, now=timezone.now())

    page.goto(sign_in_link(organiser))
    page.get_by_test_id("sign-in-button").click()
    assert page.title().startswith("Organisers' console")
    check(page, "home")
    page.get_by_role("link", name="LocalGov Coffee").click()
    assert page.get_by_test_id("member-counts").inner_text().count("4") == 1
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

    page.get_by_role("link", name="Members").click()
    check(page, "members")
    page.get_by_label("Name, email or organisation").fill("Org 1")
    page.get_by_role("button", name="Search").click()
    assert "2 members" in page.get_by_test_id("member-count").inner_text()
    check(page, "members-search")
    page.get_by_test_id("members").get_by_role("link").first.click()
    check(page, "member")

    page.get_by_role("link", name="Rounds").click()
    check(page, "rounds")
    page.get_by_role("link", name="Round 1", exact=True).click()
    assert page.get_by_test_id("console-group").count() == 2
    check(page, "round")
    page.get_by_role("link", name="All rounds").click()
    page.get_by_role("link", name="Round 2", exact=True).click()
    page.get_by_test_id("preview-button").click()
    assert page.get_by_test_id("preview-groups").inner_text() == "2"
    check(page, "round-preview")

    page.get_by_role("link", name="Announce").click()
    check(page, "announce")
    page.get_by_label("Subject").fill("Round 2 moves a week")
    page.get_by_label("Message").fill("Because of the bank holiday.\n\nSee you then!")
    page.get_by_role("button", name="Preview").click()
    assert "See you then!" in page.get_by_test_id("announcement-preview").inner_text()
    check(page, "announce-preview")
    page.get_by_test_id("announce-send").click()
    assert "Sent to 4 members" in page.locator(".govuk-notification-banner").inner_text()
    check(page, "announce-sent")

    page.get_by_role("link", name="Export").click()
    check(page, "exports")
    page.get_by_role("link", name="Reports").click()
    check(page, "reports")

    page.get_by_role("link", name="Settings").click()
    check(page, "settings")
    page.get_by_label("Days to meet").fill("0")
    page.get_by_role("button", name="Preview the dates").click()
    assert page.title().startswith("Error: ")
    check(page, "settings-error")
    page.get_by_label("Days to meet").fill("10")
    page.get_by_role("button", name="Preview the dates").click()
    assert page.get_by_test_id("schedule-preview").locator("li").count() == 3
    check(page, "settings-preview")


SPREADSHEET = ("Timestamp,Your name,Work email,Council,Job title\r\n"
               "01/11/2026,Zoë Ñúñez,zoe@example.org,Leeds City Council,Developer\r\n"
               "01/11/2026,Bob,bob@example,Hackney,\r\n").encode("utf-16")


@JS_ON_AND_OFF
def test_an_organiser_imports_a_spreadsheet_and_the_invited_person_joins(page, settings, live_server, tmp_path):
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee", is_open=False)
    organiser = PersonFactory(full_name="Olu Organiser")
    programme.organisers.add(organiser)
    sheet = tmp_path / "members.csv"
    sheet.write_bytes(SPREADSHEET)

    page.goto(sign_in_link(organiser, next_url="/console/programmes/coffee/members/import/"))
    page.get_by_test_id("sign-in-button").click()
    check(page, "import")
    page.get_by_label("The spreadsheet, saved as CSV").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_label("Email address").input_value() == "Work email"
    check(page, "import-mapping")
    page.get_by_role("button", name="Check the rows").click()
    assert "'bob@example' is not an email address" in page.get_by_test_id("import-errors").inner_text()
    check(page, "import-checked")
    page.get_by_test_id("import-commit").click()
    assert "Invited 1 person" in page.locator(".govuk-notification-banner").inner_text()
    check(page, "import-done")

    member = MembershipFactory(programme=programme).person
    other = MembershipFactory(programme=programme).person
    history = tmp_path / "history.csv"
    history.write_text(f"Month,Email 1,Email 2\r\nNovember 2025,{member.email},{other.email}\r\n"
                       f"Sometime,{member.email},nobody@example.org\r\n")
    page.get_by_role("link", name="Import past pairings").click()
    page.get_by_label("The spreadsheet, saved as CSV").set_input_files(str(history))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Check the rows").click()
    assert "nobody@example.org is not a member" in page.get_by_test_id("import-errors").inner_text()
    check(page, "history-checked")
    page.get_by_test_id("import-commit").click()
    assert "Recorded 1 past pair" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("button", name="Sign out").click()
    messages_deliver_due()
    page.goto("/sent-mail/")
    page.get_by_test_id("sent-mail-link").filter(has_text="You are invited").first.click()
    link = re.search(r"http://\S+/r/invitation/\S+", page.get_by_test_id("message-text").inner_text()).group(0)
    page.goto(link)
    assert page.get_by_label("Organisation", exact=True).input_value() == "Leeds City Council"
    check(page, "invitation")
    page.get_by_label("Phone number", exact=True).fill("07911 123456")
    page.get_by_label("I agree to the programme rules").check()
    page.get_by_label("I agree to share my name").check()
    page.get_by_test_id("invitation-submit").click()
    assert page.title().startswith("Your account")
    check(page, "invitation-joined")


@JS_ON_AND_OFF
def test_an_organiser_draws_a_round_now_places_latecomers_splits_a_trio_and_cancels_the_next(page, settings,
                                                                                            live_server):
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee")
    organiser = PersonFactory(full_name="Olu Organiser")
    programme.organisers.add(organiser)
    for n in range(5):
        MembershipFactory(programme=programme, organisation=f"Org {n % 2}",
                          person=PersonFactory(full_name=f"Member {n}"))
    round_schedule_next(programme=programme, now=timezone.now())

    page.goto(sign_in_link(organiser, next_url="/console/programmes/coffee/rounds/1/"))
    page.get_by_test_id("sign-in-button").click()
    check(page, "round-scheduled")
    page.get_by_test_id("draw-now").click()
    assert "the 5 members due today are grouped" in page.locator("main").inner_text()
    check(page, "round-draw-confirm")
    page.get_by_test_id("confirm-draw").click()
    assert "Round 1 is drawn: 2 groups" in page.locator(".govuk-notification-banner").inner_text()
    check(page, "round-drawn")

    for n in range(3):
        MembershipFactory(programme=programme, organisation=f"Late Org {n}", person=PersonFactory(full_name=f"Late {n}"))
    page.reload()
    assert page.get_by_test_id("latecomers").locator("li").count() == 3
    check(page, "round-latecomers")
    page.get_by_test_id("latecomers").locator("li").filter(has_text="Late 0").get_by_role("link").click()
    page.get_by_role("button", name="Add them").click()
    assert page.title().startswith("Error: ")
    check(page, "add-latecomer-error")
    pair = next(g for g in Group.objects.filter(round__programme=programme) if g.seats.count() == 2)  # and a trio
    page.locator(".govuk-radios__item").filter(has_text=f"Group {pair.number}:").locator("input").check()
    page.get_by_label("Why (they are told)").fill("Welcome! You joined just after the draw.")
    page.get_by_role("button", name="Add them").click()
    assert "Late 0 is in group" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("button", name="Draw them among themselves").click()
    assert "The latecomers are drawn into group 3" in page.locator(".govuk-notification-banner").inner_text()
    check(page, "round-latecomers-drawn")

    page.get_by_test_id("move-link").filter(has_text="Split off").first.click()
    assert "Moving one of a trio splits it" in page.locator("main").inner_text()
    check(page, "split-trio")
    page.locator(".govuk-radios__item").filter(has_text="Late 1").locator("input").check()
    page.get_by_label("Why (they are told)").fill("So both groups have someone from Org 0.")
    page.get_by_role("button", name="Move them").click()
    assert "is in group 3 now" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_test_id("console-group").count() == 3

    page.get_by_role("link", name="All rounds").click()
    page.get_by_role("link", name="Round 2", exact=True).click()
    page.get_by_test_id("cancel-round").click()
    check(page, "round-cancel")
    page.get_by_role("button", name="Cancel round 2").click()
    assert page.title().startswith("Error: ")
    check(page, "round-cancel-error")
    page.get_by_label("Why are you cancelling it?").fill("It falls in the school holidays.")
    page.get_by_role("button", name="Cancel round 2").click()
    assert "Round 2 is cancelled." in page.locator(".govuk-notification-banner").inner_text()
    check(page, "round-cancelled")
    page.goto("/programmes/coffee/rounds/2/")  # the public page of a cancelled round
    assert "Never used: the round was cancelled" in page.get_by_test_id("seed").inner_text()
    check(page, "public-round-cancelled")

    page.get_by_role("button", name="Sign out").click()
    messages_deliver_due()
    page.goto("/sent-mail/")
    page.get_by_test_id("sent-mail-link").filter(has_text="Your group has changed").first.click()
    assert "has joined your group" in page.get_by_test_id("message-text").inner_text()
