"""From the intro email to a new match, in a real browser, as two members whose partners went quiet."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.services import sign_in_link
from unmentoring.notifications.services import messages_deliver_due
from unmentoring.rounds.models import Group, Round, Seat
from unmentoring.rounds.services.lifecycle import round_draw, round_schedule_next

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    assert_accessible(page)
    assert page.console_errors == []
    screenshot(page, f"round-journey-{name}")


def intro_link(page, seat: Seat, marker: str) -> str:
    """Open this member's intro on the sent-mail page and return the link containing ``marker``."""
    messages_deliver_due()
    page.goto("/sent-mail/")
    page.locator("tr", has_text=seat.membership.person.email).filter(has_text="Your match").get_by_test_id("sent-mail-link").click()
    check(page, f"intro-{seat.pk}")
    text = page.get_by_test_id("message-text").inner_text()
    return next(word for word in re.findall(r"http://\S+", text) if marker in word)


@pytest.fixture
def drawn(settings, live_server):
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="Weekly Coffee", slug="weekly", cadence="weekly", weekday=1,
                                 notice_days=2, window_days=30, checkin_days=2)
    for n in range(6):
        MembershipFactory(programme=programme, organisation=f"Org {n % 3}",
                          person=PersonFactory(full_name=f"Member{n} Person", email=f"m{n}@example.org"))
    rnd = round_schedule_next(programme=programme, now=timezone.now() - timedelta(days=9))
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    return Round.objects.get(pk=rnd.pk)


def test_two_members_whose_matches_went_quiet_are_matched_with_each_other(page, drawn):
    first, second = [g.seats.order_by("pk").first() for g in Group.objects.filter(round=drawn).order_by("number")[:2]]

    page.goto(intro_link(page, first, "/r/new-match/"))
    check(page, "rematch-first")
    page.get_by_test_id("rematch-submit").click()
    assert page.get_by_test_id("rematch-outcome").inner_text() == "Nobody else is waiting yet"
    check(page, "rematch-first-waiting")

    page.goto(intro_link(page, second, "/r/new-match/"))
    page.get_by_test_id("rematch-submit").click()
    assert page.get_by_test_id("rematch-outcome").inner_text() == "You have a new match"
    check(page, "rematch-second-done")

    messages_deliver_due()
    page.goto("/sent-mail/")
    new_intros = page.locator("tr", has_text="Your new match")
    assert new_intros.count() == 2
    new_intros.filter(has_text=first.membership.person.email).get_by_test_id("sent-mail-link").click()
    assert second.membership.person.full_name in page.get_by_test_id("message-text").inner_text()
    check(page, "new-intro")

    # The round page, signed in, shows the new match to its member.

    page.goto(sign_in_link(first.membership.person))
    page.get_by_test_id("sign-in-button").click()
    page.goto(drawn.get_absolute_url())
    groups = page.get_by_test_id("my-group")
    assert groups.count() == 2
    assert second.membership.person.email in groups.nth(1).inner_text()
    check(page, "round-page")


def test_a_member_reports_a_sales_pitch_from_the_intro(page, drawn):
    seat = Seat.objects.filter(group__round=drawn).order_by("pk").first()
    page.goto(intro_link(page, seat, "/r/report/"))
    check(page, "report")
    page.get_by_test_id("report-submit").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, "report-errors")
    page.get_by_role("radio").first.check()
    page.get_by_label("What happened?").fill("They spent the call selling me their product.")
    page.get_by_label("Never match me with this person again").check()
    page.get_by_test_id("report-submit").click()
    assert "You will not be matched with this person again" in page.get_by_test_id("report-done").locator("..").inner_text()
    check(page, "report-done")
