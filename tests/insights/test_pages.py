"""The insights pages: the organisers' figures with their charts, tables and CSVs, and the public "Does it
work?" page with nothing based on fewer than five people."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import drawn_round
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def _round_with_answers(programme, scores):
    rnd = drawn_round(programme)
    for seat, score in zip(Seat.objects.filter(group__round=rnd).order_by("pk"), scores, strict=False):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=score))
    rounds_advance(now=rnd.close_at)
    return rnd


def test_the_organisers_see_every_figure_with_a_chart_a_table_and_a_csv(client, weekly, members, organiser):
    _round_with_answers(weekly, [5, 4, 3])
    page = client.get(reverse("console:insights", args=[weekly.slug])).content.decode()
    for slug in ("growth", "funnel", "challenge", "reasons", "links"):
        assert f'data-testid="insights-{slug}"' in page
    assert page.count('<svg class="app-chart" role="img"') >= 4
    assert "<td class=\"govuk-table__cell govuk-table__cell--numeric\">3</td>" in page  # three answers: shown here
    assert "too few answers to show" not in page
    response = client.get(reverse("console:insights-csv", args=[weekly.slug, "challenge"]))
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert response["Content-Disposition"] == 'attachment; filename="weekly-challenge.csv"'
    assert rows[0][:3] == ["Round", "Answers", "Answered 1"] and rows[1][:2] == ["Round 1", "3"]
    assert rows[1][-2] == "4.00"
    assert client.get(reverse("console:insights-csv", args=[weekly.slug, "nothing"])).status_code == 404
    for name in ("rounds", "meetings"):
        assert client.get(reverse("console:open-data", args=[weekly.slug, name])).status_code == 200
    assert client.get(reverse("console:open-data", args=[weekly.slug, "members"])).status_code == 404


def test_every_chart_is_well_formed_svg_named_by_its_title(client, weekly, members, organiser):
    _round_with_answers(weekly, [5, 4, 3, 2, 2, 1])
    page = client.get(reverse("console:insights", args=[weekly.slug])).content.decode()
    charts = [page[i:page.index("</svg>", i) + 6] for i in range(len(page)) if page.startswith("<svg class=", i)]
    assert charts
    for chart in charts:
        root = ET.fromstring(chart)
        ns = "{http://www.w3.org/2000/svg}"
        title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
        assert root.get("role") == "img" and root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text and desc.text


def test_the_public_page_hides_anything_based_on_fewer_than_five_people(client, weekly, members):
    _round_with_answers(weekly, [5, 4, 3])  # three answers: hidden in public
    page = client.get(reverse("site:does-it-work", args=[weekly.slug])).content.decode()
    assert "too few answers to show" in page
    assert "4.00" not in page  # the mean of three answers
    assert all(m.person.full_name not in page for m in members) and all(m.person.email not in page for m in members)
    assert "8</td>" in page  # eight people matched: enough to show
    assert 'data-testid="does-it-work-link"' in client.get(weekly.get_absolute_url()).content.decode()


def test_the_public_page_shows_a_figure_once_five_people_give_it(client, weekly, members):
    _round_with_answers(weekly, [5, 4, 3, 4, 4])
    page = client.get(reverse("site:does-it-work", args=[weekly.slug])).content.decode()
    assert "4.00" in page


def test_organisers_can_turn_the_public_page_off(client, weekly, members):
    weekly.insights_public = False
    weekly.save()
    assert client.get(reverse("site:does-it-work", args=[weekly.slug])).status_code == 404
    assert 'data-testid="does-it-work-link"' not in client.get(weekly.get_absolute_url()).content.decode()


def test_a_programme_with_no_rounds_says_so(client, weekly, organiser):
    page = client.get(reverse("console:insights", args=[weekly.slug])).content.decode()
    assert "Nothing to show yet: no round has been drawn." in page


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_insights_pages_take_the_same_queries_for_one_round_or_three(client, weekly, members, organiser):
    _round_with_answers(weekly, [5, 4])
    paths = [reverse("console:insights", args=[weekly.slug]), reverse("site:does-it-work", args=[weekly.slug])]
    before = [_queries(client, p) for p in paths]
    for n in range(20):
        MembershipFactory(programme=weekly, person=PersonFactory(), organisation=f"Org {n % 6}")
    for number in (2, 3):
        rnd = weekly.rounds.get(number=number)
        rounds_advance(now=rnd.draw_at)
        rounds_advance(now=rnd.close_at)
    assert weekly.rounds.filter(state="closed").count() >= 3
    assert [_queries(client, p) for p in paths] == before


def test_a_single_answer_cannot_be_worked_out_by_subtraction_in_public(client, weekly, members):
    _round_with_answers(weekly, [5, 5, 5, 5, 5, 1])  # six answers: the mean shows; the lone 1 would not
    from unmentoring.insights.sections import sections  # noqa: PLC0415  (the page's own sections)
    from unmentoring.insights.selectors import programme_insights  # noqa: PLC0415

    found = {s.slug: s for s in sections(programme_insights(weekly, today=timezone.localdate()), public=True)}
    row = found["challenge"].rows[0]
    assert row[1] == 6 and row[2:7] == ["too few answers to show"] * 5 and row[7] == "4.33"
    assert found["growth"].head == ["Month", "Members at the end"]  # joined and left would show by difference
    console = {s.slug: s for s in sections(programme_insights(weekly, today=timezone.localdate()), public=False)}
    assert console["challenge"].rows[0][2:7] == [1, 0, 0, 0, 5]
    assert console["growth"].head == ["Month", "Joined", "Left", "Members at the end", "Active", "Paused"]


def test_a_round_of_fewer_than_five_shows_nothing_but_its_number_in_public(client, weekly):
    for n in range(4):
        MembershipFactory(programme=weekly, organisation=f"Org {n}")
    _round_with_answers(weekly, [5, 4])
    from unmentoring.insights.sections import sections  # noqa: PLC0415  (the page's own sections)
    from unmentoring.insights.selectors import programme_insights  # noqa: PLC0415

    found = {s.slug: s for s in sections(programme_insights(weekly, today=timezone.localdate()), public=True)}
    assert found["funnel"].rows[0] == ["Round 1"] + ["too few answers to show"] * 5
    assert found["links"].rows[0] == ["Round 1", "too few answers to show", "too few answers to show"]


def test_the_public_page_names_nobody_even_for_a_learning_published_with_a_name(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).select_related("membership__person").order_by("pk").first()
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned="Prototype first.",
                                                         publish="named", shared_url="https://blog.example.org/me"))
    rounds_advance(now=rnd.close_at)
    page = client.get(reverse("site:does-it-work", args=[weekly.slug])).content.decode()
    assert "Prototype first." in page and "A member" in page
    assert seat.membership.person.full_name not in page and "blog.example.org" not in page


def test_the_public_page_is_worked_out_once_per_change_of_its_data(client, weekly, members):
    rnd = _round_with_answers(weekly, [5, 4, 3, 4, 4])
    path = reverse("site:does-it-work", args=[weekly.slug])
    first = _queries(client, path)
    assert _queries(client, path) < first  # the figures come from the cache
    seat = Seat.objects.filter(group__round=rnd, checkin__isnull=True).first()
    from unmentoring.rounds.models import CheckIn  # noqa: PLC0415  (only this test writes an answer after close)

    CheckIn.objects.create(seat=seat, met="yes", challenge=1)
    assert _queries(client, path) == first and "3.50" in client.get(path).content.decode()  # (5+4+3+4+4+1)/6


def test_in_public_a_hidden_figure_is_drawn_as_hidden_and_the_bridging_share_gives_no_count(client, weekly, members):
    rnd = drawn_round(weekly)
    seats = list(Seat.objects.filter(group__round=rnd).order_by("group__number", "pk"))
    for seat in seats[:2]:  # one group says no: 2 reasons, hidden in public
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="no", not_met_reason="no_time"))
    for seat in seats[2::2]:
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3))
    rounds_advance(now=rnd.close_at)
    page = client.get(reverse("site:does-it-work", args=[weekly.slug])).content.decode()
    reasons = page[page.index('data-testid="insights-reasons"'):page.index('data-testid="insights-links"')]
    assert ">hidden<title>Round 1, Could not find a time: too few answers to show</title>" in reasons
    assert "At least 75% of the members matched so far have met someone from another organisation." in page
    assert "6 of the 8" not in page
