"""The intro: who, how to reach them, a calendar hold; read from the database when it is sent."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.rounds.helpers import drawn_round, schedule
from unmentoring.accounts.services import person_erase
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_deliver, message_render
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


@pytest.mark.django_db
def test_the_intro_arrives_at_a_real_smtp_server_with_a_calendar_hold(weekly, members, smtp_server):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    message = Message.objects.get(template="intro", context__seat=seat.pk)
    message_deliver(message_id=message.pk)

    [received] = smtp_server.received
    assert received["To"] == seat.membership.person.email
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [ics] = [part for part in received.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "round-1.ics"
    calendar = Calendar.from_ical(ics.get_content())
    assert str(calendar["METHOD"]) == "PUBLISH"  # a hold: no Accept/Decline buttons that reply to nobody
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2027-01-12"
    assert event.decoded("DTEND").isoformat() == "2027-01-19"  # all day through Monday 18th
    assert event.get("ATTENDEE") is None
    assert str(event["TRANSP"]) == "TRANSPARENT"
    for other in seat.group.seats.exclude(pk=seat.pk).select_related("membership__person"):
        assert f"{other.membership.person.full_name} ({other.organisation}): {other.membership.person.email}" in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"round-{rnd.pk}-group-{seat.group_id}@unmentoring.localhost"


@pytest.mark.django_db
def test_an_intro_for_someone_erased_before_sending_is_not_sent(weekly, members, smtp_server):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    organisation = other.organisation
    person_erase(person=other.membership.person)
    message = Message.objects.get(template="intro", context__seat=seat.pk)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("cancelled", "Not sent: nobody else is left in the group")
    assert smtp_server.received == []
    other.refresh_from_db()
    assert (other.membership_id, other.organisation) == (None, organisation)  # anonymised, still counted


@pytest.mark.django_db
def test_the_demo_sent_mail_page_offers_the_intros_calendar_file(client, weekly, members, settings):
    settings.DEMO_MODE = True
    rnd = drawn_round(weekly)
    intro = Message.objects.filter(template="intro").order_by("pk").first()
    page = client.get(reverse("notifications:sent-mail-detail", args=[intro.pk])).text
    url = reverse("notifications:sent-mail-attachment", args=[intro.pk, 0])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; method=PUBLISH; charset=utf-8"
    assert Calendar.from_ical(response.content).walk("VEVENT")[0]["UID"].startswith(f"round-{rnd.pk}-")
    assert client.get(reverse("notifications:sent-mail-attachment", args=[intro.pk, 1])).status_code == 404
    settings.DEMO_MODE = False
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_erasure_removes_the_person_from_intros_already_rendered_for_their_partners(weekly, members, smtp_server):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    partner = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).get()
    sent = Message.objects.get(template="intro", context__seat=partner.pk)
    message_deliver(message_id=sent.pk)  # the partner's intro, naming the person, went out
    email, phone = seat.membership.person.email, seat.membership.phone_display

    person_erase(person=seat.membership.person)

    sent.refresh_from_db()
    assert (sent.subject, sent.body_text, sent.body_html, sent.attachments) == ("(removed)", "", "", [])
    for message in Message.objects.all():
        for text in (message.subject, message.body_text, message.body_html, str(message.attachments)):
            assert email not in text and phone not in text


def test_the_intro_names_the_match_with_their_contact_details_and_a_calendar_hold(weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    seat = Seat.objects.filter(group__round=rnd).select_related("membership__person").first()
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).select_related("membership__person").get()
    intro = message_render(Message.objects.get(template="intro", context__seat=seat.pk))
    assert other.membership.person.full_name in intro.subject
    for detail in [other.membership.person.email, other.membership.phone_display, other.membership.organisation, "No sales pitches"]:
        assert detail in intro.body_text
    outsiders = Seat.objects.filter(group__round=rnd).exclude(group=seat.group)
    for outsider in outsiders:
        assert outsider.membership.person.email not in intro.body_text
    [attachment] = intro.attachments
    assert attachment["filename"] == "round-1.ics"
    assert "METHOD:PUBLISH" in attachment["content"] and "ATTENDEE" not in attachment["content"]
