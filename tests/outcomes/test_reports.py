"""Reporting a concern about someone in your group."""

import pytest

from tests.factories import PersonFactory
from tests.rounds.helpers import drawn_round, link_in
from unmentoring.accounts.models import Block
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_deliver
from unmentoring.outcomes.models import Report
from unmentoring.rounds.models import Seat


@pytest.mark.django_db
def test_reporting_a_concern_records_it_and_can_block(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    link = link_in(Message.objects.get(template="intro", context__seat=seat.pk), "/r/report/")

    bad = client.post(link, {"about": other.pk, "what_happened": ""})
    assert bad.context["form"].errors["what_happened"] == ["Enter what happened"]
    bad = client.post(link, {"about": seat.pk, "what_happened": "x"})  # not someone in my group to report
    assert bad.context["form"].errors["about"] == ["Select who this is about"]
    bad = client.post(link, {"about": other.pk, "what_happened": "x" * 2001})
    assert bad.context["form"].errors["what_happened"] == ["What happened must be 2000 characters or fewer"]
    bad = client.post(link, {"about": other.pk, "what_happened": "It was \u202egnissarah\u202c"})
    assert bad.context["form"].errors["what_happened"] == ["What happened must not include hidden characters (it has U+202E (right-to-left override))"]
    assert Report.objects.count() == 0

    response = client.post(link, {"about": other.pk, "what_happened": "A sales pitch for their product.", "block": "on"})
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.about) == (seat.membership.person, other.membership.person)
    assert list(Block.objects.values_list("blocker", "blocked")) == [(seat.membership.person_id, other.membership.person_id)]


def _report(client, weekly, *, block=False, text="A sales pitch for their product."):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    link = link_in(Message.objects.get(template="intro", context__seat=seat.pk), "/r/report/")
    response = client.post(link, {"about": other.pk, "what_happened": text, **({"block": "on"} if block else {})})
    assert response.status_code == 200
    return seat, other


def _deliver_everything_but_intros():
    for message in Message.objects.exclude(template__in=["intro", "round_notice"]).order_by("pk"):
        message_deliver(message_id=message.pk)


@pytest.mark.django_db
def test_a_report_reaches_the_organisers_at_once_naming_no_one_and_the_reporter_hears_it_was_received(
    client, weekly, members, smtp_server, settings
):
    organisers = [PersonFactory(full_name="Olu Organiser", email="olu@example.org"),
                  PersonFactory(full_name="Pat Organiser", email="pat@example.org")]
    weekly.organisers.add(*organisers)
    weekly.contact_email = "coffee@example.org"
    weekly.save()
    seat, other = _report(client, weekly, block=True, text="They tried to sell me a licence.")
    _deliver_everything_but_intros()

    received = {message["To"]: message for message in smtp_server.received}
    assert set(received) == {"olu@example.org", "pat@example.org", seat.membership.person.email}
    report = Report.objects.get()
    for address in ("olu@example.org", "pat@example.org"):
        alert = received[address]
        assert alert["Subject"] == "A concern was reported in Weekly Coffee"
        text = alert.get_body(("plain",)).get_content()
        assert f"{settings.SITE_URL}/console/reports/{report.pk}/" in text
        assert "never to be matched with that person again" in text
        for secret in (seat.membership.person.full_name, other.membership.person.full_name, "licence",
                       seat.membership.person.email, other.membership.person.email):
            assert secret not in alert.as_string()
    ack = received[seat.membership.person.email]
    assert ack["Subject"] == "We have your report"
    ack_text = ack.get_body(("plain",)).get_content()
    assert "You will not be matched with this person again." in ack_text
    assert "coffee@example.org" in ack_text
    assert other.membership.person.full_name not in ack.as_string()


@pytest.mark.django_db
def test_a_report_about_an_organiser_goes_to_the_other_organisers_or_else_the_site_admins(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    weekly.organisers.add(other.membership.person)
    admin = PersonFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    link = link_in(Message.objects.get(template="intro", context__seat=seat.pk), "/r/report/")
    client.post(link, {"about": other.pk, "what_happened": "Rude."})
    assert list(Message.objects.filter(template="report_received").values_list("to_email", flat=True)) == [admin.email]


@pytest.mark.django_db
def test_a_report_that_cannot_be_written_sends_nothing(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    link = link_in(Message.objects.get(template="intro", context__seat=seat.pk), "/r/report/")
    client.post(link, {"about": seat.pk, "what_happened": "x"})
    client.post(link[:-4] + "abc/", {"about": seat.pk, "what_happened": "x"})
    assert not Message.objects.filter(template__startswith="report_").exists()
    assert Report.objects.count() == 0
