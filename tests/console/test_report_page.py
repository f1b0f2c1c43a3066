"""The report page the organisers' email links to: for the programme's organisers and site admins only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PersonFactory, ProgrammeFactory
from tests.rounds.helpers import drawn_round, link_in
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.outcomes.models import Report
from unmentoring.rounds.models import Seat

pytestmark = pytest.mark.django_db
TEXT = "They spent the call selling me a licence."


@pytest.fixture
def report(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    client.post(link_in(Message.objects.get(template="intro", context__seat=seat.pk), "/r/report/"),
                {"about": other.pk, "what_happened": TEXT, "block": "on"})
    return Report.objects.get()


def test_the_programmes_organiser_reads_the_report_and_marks_it_dealt_with(client, weekly, report):
    organiser = PersonFactory(full_name="Olu Organiser")
    weekly.organisers.add(organiser)
    client.force_login(organiser)
    path = reverse("console:report", args=[report.pk])
    page = client.get(path).content.decode()
    assert TEXT in page and report.reporter.full_name in page and report.about.full_name in page
    assert "never be matched again" in page
    queue = client.get(reverse("console:reports", args=[weekly.slug])).content.decode()
    assert "Open" in queue and TEXT[:40] in queue
    too_long = client.post(path, {"resolved": "yes", "note": "x" * 2001})
    assert too_long.context["form"].errors["note"] == ["The note must be 2000 characters or fewer"]
    client.post(path, {"resolved": "yes", "note": "Spoke to both; paused the member reported."})
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolution_note == "Spoke to both; paused the member reported."
    assert "Spoke to both" in client.get(path).content.decode()
    assert AuditEvent.objects.get(action="report.resolve").actor_id == organiser.pk
    client.post(path, {"resolved": "no"})
    report.refresh_from_db()
    assert report.resolved_at is None
    assert client.post(path, {"resolved": "maybe"}).status_code == 400


def test_nobody_else_can_read_it(client, weekly, report):
    path = reverse("console:report", args=[report.pk])
    assert client.get(path).status_code == 302 and "/sign-in/" in client.get(path)["Location"]
    other_programme = ProgrammeFactory(slug="other")
    other_organiser = PersonFactory()
    other_programme.organisers.add(other_organiser)
    weekly.organisers.add(report.about)  # the person reported organises the programme too
    for person in (report.reporter, other_organiser, report.about, PersonFactory(is_staff=True)):
        client.force_login(person)
        assert client.get(path).status_code == 404, person
        assert client.post(path, {"resolved": "yes"}).status_code == 404, person
    report.refresh_from_db()
    assert report.resolved_at is None
    client.force_login(PersonFactory(is_superuser=True, is_staff=True))
    assert TEXT in client.get(path).content.decode()
    assert client.get(reverse("console:report", args=[report.pk + 99])).status_code == 404


def test_the_reports_queue_takes_the_same_queries_for_one_report_or_twenty(client, weekly, report):
    organiser = PersonFactory()
    weekly.organisers.add(organiser)
    client.force_login(organiser)
    path = reverse("console:reports", args=[weekly.slug])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    one = count()
    for _ in range(19):
        Report.objects.create(seat=report.seat, reporter=report.reporter, about=report.about, what_happened="Again.")
    assert count() == one
    assert client.get(path).content.decode().count("Again.") == 19


def test_an_organiser_who_was_reported_sees_it_nowhere_in_the_console(client, weekly, report):
    reported = report.about
    weekly.organisers.add(reported)
    client.force_login(reported)
    reporter_name = report.reporter.full_name
    reporter_membership = report.seat.membership
    pages = [reverse("console:home"), reverse("console:programme", args=[weekly.slug]),
             reverse("console:audit", args=[weekly.slug]), reverse("console:reports", args=[weekly.slug]),
             reverse("console:member", args=[weekly.slug, reporter_membership.pk]),
             reverse("console:round", args=[weekly.slug, report.seat.group.round.number])]
    for path in pages:
        page = client.get(path).content.decode()
        assert TEXT not in page and "report.submit" not in page, path
        assert f"/console/reports/{report.pk}/" not in page, path
    assert reporter_name in client.get(reverse("console:round", args=[weekly.slug, 1])).content.decode()  # still a member
    home = client.get(reverse("console:home")).content.decode()
    assert 'govuk-tag--red' not in home  # no open report counted for them
