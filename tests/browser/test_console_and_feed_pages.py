"""Pages no journey passes through, each scanned by axe with JavaScript on and off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.services import sign_in_link
from unmentoring.outcomes.services import report_submit
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import round_draw, round_schedule_next

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", [True, False], indirect=True, ids=["js", "no-js"])
def test_a_learnings_page_the_programme_page_with_learnings_and_the_console_report_and_invite_pages(
    page, settings, live_server
):
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee", hashtag="#localgovdigital")
    for n in range(4):
        MembershipFactory(programme=programme, organisation=f"Org {n % 2}")
    rnd = round_schedule_next(programme=programme, now=timezone.now() - timedelta(days=9))
    round_draw(round_id=rnd.pk, now=rnd.draw_at)
    seat, other = Seat.objects.filter(group__round=rnd).order_by("group__number", "pk")[:2]
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned="Share the design system.",
                                                         shared_url="https://blog.example.org/p", publish="named"))
    report = report_submit(seat=seat, about=other, what_happened="A sales pitch.", block=False)
    organiser = PersonFactory(full_name="Olu Organiser")
    programme.organisers.add(organiser)
    label = "js" if page.javascript_enabled else "no-js"

    for path, name in ((f"/programmes/coffee/learning/{CheckIn.objects.get().pk}/", "learning-entry"),
                       ("/programmes/coffee/", "programme-with-learnings")):
        assert page.goto(path).status == 200
        assert "Share the design system." in page.content()
        assert_accessible(page)
        screenshot(page, f"{name}-{label}")

    page.goto(sign_in_link(PersonFactory()))  # someone who organises nothing
    page.get_by_test_id("sign-in-button").click()
    assert page.goto("/console/").status == 403
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto(sign_in_link(organiser, next_url=f"/console/reports/{report.pk}/"))
    page.get_by_test_id("sign-in-button").click()
    assert "A sales pitch." in page.get_by_test_id("what-happened").inner_text()
    assert_accessible(page)
    screenshot(page, f"console-report-{label}")
    page.get_by_label("What you did (optional, for the organisers only)").fill("Phoned them both; no repeat.")
    page.get_by_test_id("resolve").click()
    assert "Phoned them both; no repeat." in page.get_by_test_id("resolution-note").inner_text()
    assert page.get_by_test_id("resolve").inner_text() == "Reopen"
    assert_accessible(page)
    screenshot(page, f"console-report-resolved-{label}")
    page.goto("/console/programmes/coffee/members/invite/")
    page.get_by_role("button", name="Send the invitations").click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    screenshot(page, f"console-invite-error-{label}")
    assert page.console_errors == []
