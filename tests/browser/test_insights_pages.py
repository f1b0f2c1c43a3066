"""The insights pages in a real browser, with axe, JavaScript on and off: the organisers' and the public one."""

import pytest
from django.utils import timezone

from tests.browser.helpers import assert_accessible, screenshot
from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.services import sign_in_link
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import round_close, round_draw, round_schedule_next

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JS_ON_AND_OFF = pytest.mark.parametrize("page", [True, False], indirect=True, ids=["js", "no-js"])


def _history(programme, rounds=3):
    from datetime import timedelta  # noqa: PLC0415  (only the history needs it)

    start = timezone.now() - timedelta(days=40 * rounds)
    for number in range(rounds):
        rnd = round_schedule_next(programme=programme, now=start + timedelta(days=40 * number))
        round_draw(round_id=rnd.pk, now=rnd.draw_at)
        for i, seat in enumerate(Seat.objects.filter(group__round=rnd).order_by("pk")):
            answer = (CheckInAnswer(met="yes", challenge=1 + (i + number) % 5) if i % 3 else
                      CheckInAnswer(met="no", not_met_reason=["no_time", "no_reply", "cancelled"][i % 3]))
            checkin_record(seat_id=seat.pk, answer=answer)
        round_close(round_id=rnd.pk, now=rnd.close_at)


@JS_ON_AND_OFF
def test_the_insights_pages_are_accessible_and_show_the_rounds(page, settings, live_server):
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    programme = ProgrammeFactory(name="LocalGov Coffee", slug="coffee", experiment=True)
    organiser = PersonFactory(full_name="Olu Organiser")
    programme.organisers.add(organiser)
    for n in range(14):
        MembershipFactory(programme=programme, organisation=f"Org {n % 4}")
    _history(programme)

    page.goto(sign_in_link(organiser, next_url="/console/programmes/coffee/insights/"))
    page.get_by_test_id("sign-in-button").click()
    assert page.title().startswith("Insights: LocalGov Coffee")
    assert page.get_by_test_id("insights-funnel-table").locator("tbody tr").count() == 3
    assert page.locator("svg.app-chart").count() >= 5
    assert page.get_by_test_id("insights-experiment").is_visible()
    assert_accessible(page)
    assert page.console_errors == []
    screenshot(page, f"insights-console-{'js' if page.javascript_enabled else 'no-js'}")

    page.get_by_test_id("network-link").click()
    assert page.title().startswith("The network map")
    assert page.locator("svg.app-map line").count() == page.get_by_test_id("network-table").locator("tbody tr").count()
    assert_accessible(page)
    screenshot(page, f"insights-network-{'js' if page.javascript_enabled else 'no-js'}")
    page.get_by_label("Round").select_option("Round 2")
    page.get_by_role("button", name="Show").click()
    assert "in round 2" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="All insights").click()

    page.get_by_role("link", name="“Does it work?” page").click()
    assert page.title().startswith("Does it work?")
    assert page.get_by_test_id("insights-challenge-table").locator("tbody tr").count() == 3
    assert_accessible(page)
    assert page.console_errors == []
    screenshot(page, f"insights-public-{'js' if page.javascript_enabled else 'no-js'}")
    page.get_by_role("link", name="Back to LocalGov Coffee").click()  # the programme page tells of the experiment
    assert page.get_by_test_id("experiment-notice").is_visible()
    assert_accessible(page)
    assert page.console_errors == []
