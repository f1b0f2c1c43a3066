import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from icalendar import Calendar

from tests.clock import at
from tests.links import path_of
from unmentoring.accounts.models import Block
from unmentoring.accounts.services import person_erase
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_deliver, message_render
from unmentoring.outcomes.models import Report
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import Group, Round, Seat
from unmentoring.rounds.services.checkins import checkin_record
from unmentoring.rounds.services.lifecycle import round_draw, rounds_advance
from unmentoring.rounds.services.rematch import seat_request_rematch


def drawn_round(programme):
    rounds_advance(now=at("2027-01-04 08:00"))
    rnd = Round.objects.get(programme=programme, number=1)
    rounds_advance(now=rnd.draw_at)
    rnd.refresh_from_db()
    return rnd


def seats_in_different_groups(rnd, count):
    groups = list(Group.objects.filter(round=rnd).order_by("number")[:count])
    return [g.seats.order_by("pk").first() for g in groups]


def link_in(message, marker):
    return next(path_of(word) for word in message_render(message).body_text.split() if marker in word)


@pytest.mark.django_db
def test_two_orphans_of_a_round_are_matched_with_each_other(client, weekly, members):
    rnd = drawn_round(weekly)
    first, second = seats_in_different_groups(rnd, 2)
    link = link_in(Message.objects.get(template="intro", context__seat=first.pk), "/r/new-match/")

    assert "rematch-submit" in client.get(link).text
    assert Seat.objects.get(pk=first.pk).rematch_requested_at is None  # GET changes nothing
    assert "Nobody else is waiting yet" in client.post(link).text
    assert Message.objects.filter(template="rematch_waiting").count() == 1
    assert Membership.objects.get(pk=first.membership_id).first_in_line is True

    seat = seat_request_rematch(seat_id=second.pk, now=at("2027-01-13 10:00"))

    assert seat.rematch_outcome == "regrouped"
    [new_group] = Group.objects.filter(round=rnd, is_rematch=True)
    assert sorted(new_group.seats.values_list("membership_id", flat=True)) == sorted([first.membership_id, second.membership_id])
    assert Message.objects.filter(template="intro", context__seat__in=list(new_group.seats.values_list("pk", flat=True))).count() == 2
    assert Membership.objects.get(pk=first.membership_id).first_in_line is False
    # asking again changes nothing
    seat_request_rematch(seat_id=second.pk, now=at("2027-01-13 11:00"))
    assert Group.objects.filter(round=rnd, is_rematch=True).count() == 1


@pytest.mark.django_db
def test_a_lone_orphan_is_first_in_line_next_round_whatever_their_rhythm(weekly, members):
    rnd = drawn_round(weekly)
    [seat] = seats_in_different_groups(rnd, 1)
    Membership.objects.filter(pk=seat.membership_id).update(rhythm="every_other")
    seat_request_rematch(seat_id=seat.pk, now=at("2027-01-13 10:00"))
    rounds_advance(now=at("2027-01-19 09:00"))  # round 2 is drawn
    second = Round.objects.get(programme=weekly, number=2)
    assert second.state == "drawn"
    assert Seat.objects.filter(group__round=second, membership_id=seat.membership_id).exists()
    assert Membership.objects.get(pk=seat.membership_id).first_in_line is False


@pytest.mark.django_db
def test_no_rematch_after_the_window_has_closed(client, weekly, members):
    rnd = drawn_round(weekly)
    [seat] = seats_in_different_groups(rnd, 1)
    with pytest.raises(ApplicationError, match="window for round 1 has closed"):
        seat_request_rematch(seat_id=seat.pk, now=rnd.window_ends_at)
    assert Seat.objects.get(pk=seat.pk).rematch_requested_at is None


@pytest.mark.django_db
def test_orphans_are_not_paired_with_the_partner_they_had(weekly, members):
    rnd = drawn_round(weekly)
    group_a, group_b = Group.objects.filter(round=rnd).order_by("number")[:2]
    seats = list(group_a.seats.order_by("pk")) + list(group_b.seats.order_by("pk"))
    for seat in seats:
        seat_request_rematch(seat_id=seat.pk, now=at("2027-01-13 10:00"))
    for group in Group.objects.filter(round=rnd, is_rematch=True):
        members_now = set(group.seats.values_list("membership_id", flat=True))
        for old in (group_a, group_b):
            assert not set(old.seats.values_list("membership_id", flat=True)) <= members_now


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
    assert Report.objects.count() == 0

    response = client.post(link, {"about": other.pk, "what_happened": "A sales pitch for their product.", "block": "on"})
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.about) == (seat.membership.person, other.membership.person)
    assert list(Block.objects.values_list("blocker", "blocked")) == [(seat.membership.person_id, other.membership.person_id)]


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
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2027-01-12"
    assert event.decoded("DTEND").isoformat() == "2027-01-19"  # all day through Monday 18th
    attendees = sorted(str(a) for a in event.get("ATTENDEE"))
    group_emails = sorted(f"mailto:{s.membership.person.email}" for s in seat.group.seats.select_related("membership__person"))
    assert attendees == group_emails
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
    assert (message.status, message.last_error) == ("failed", "Not sent: nobody else is left in the group")
    assert smtp_server.received == []
    other.refresh_from_db()
    assert (other.membership_id, other.organisation) == (None, organisation)  # anonymised, still counted


@pytest.mark.django_db(transaction=True)
def test_two_workers_drawing_at_once_make_one_set_of_groups_and_one_intro_each(weekly, members):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter; SQLite serialises writers with IMMEDIATE transactions")
    rounds_advance(now=at("2027-01-04 08:00"))
    rnd = Round.objects.get(programme=weekly, number=1)
    barrier = threading.Barrier(2)
    errors = []

    def draw():
        try:
            barrier.wait(timeout=10)
            round_draw(round_id=rnd.pk, now=rnd.draw_at)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Group.objects.filter(round=rnd).count() == 4
    assert Seat.objects.filter(group__round=rnd).count() == 8
    assert Message.objects.filter(template="intro").count() == 8


@pytest.mark.django_db
def test_the_demo_sent_mail_page_offers_the_intros_calendar_file(client, weekly, members, settings):
    settings.DEMO_MODE = True
    rnd = drawn_round(weekly)
    intro = Message.objects.filter(template="intro").order_by("pk").first()
    page = client.get(reverse("notifications:sent-mail-detail", args=[intro.pk])).text
    url = reverse("notifications:sent-mail-attachment", args=[intro.pk, 0])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; method=REQUEST; charset=utf-8"
    assert Calendar.from_ical(response.content).walk("VEVENT")[0]["UID"].startswith(f"round-{rnd.pk}-")
    assert client.get(reverse("notifications:sent-mail-attachment", args=[intro.pk, 1])).status_code == 404
    settings.DEMO_MODE = False
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_asking_again_from_a_new_group_never_returns_the_first_partner(weekly, members):
    rnd = drawn_round(weekly)
    group_1, group_2 = Group.objects.filter(round=rnd).order_by("number")[:2]
    a, b = group_1.seats.order_by("pk")
    c = group_2.seats.order_by("pk").first()
    seat_request_rematch(seat_id=a.pk, now=at("2027-01-13 10:00"))  # waits
    seat_request_rematch(seat_id=c.pk, now=at("2027-01-13 10:01"))  # a and c regrouped
    seat_request_rematch(seat_id=b.pk, now=at("2027-01-13 10:02"))  # b waits
    a_again = Seat.objects.get(group__is_rematch=True, membership=a.membership)
    seat_request_rematch(seat_id=a_again.pk, now=at("2027-01-13 10:03"))
    for group in Group.objects.filter(round=rnd, is_rematch=True):
        assert {a.membership_id, b.membership_id} - set(group.seats.values_list("membership_id", flat=True))


@pytest.mark.django_db
def test_a_regrouped_member_gets_one_of_each_later_email_and_a_member_who_left_gets_none(weekly, members):
    rnd = drawn_round(weekly)
    first, second = seats_in_different_groups(rnd, 2)
    seat_request_rematch(seat_id=first.pk, now=at("2027-01-13 10:00"))
    seat_request_rematch(seat_id=second.pk, now=at("2027-01-13 10:01"))
    leaver = Seat.objects.filter(group__round=rnd, group__is_rematch=False).exclude(
        membership__in=[first.membership_id, second.membership_id]).first()
    Membership.objects.filter(pk=leaver.membership_id).update(status="left")
    rounds_advance(now=rnd.nudge_at)
    rounds_advance(now=rnd.window_ends_at)
    checkins = list(Message.objects.filter(template="checkin_request").values_list("person_id", flat=True))
    assert sorted(checkins) == sorted(set(checkins))
    assert first.membership.person_id in checkins
    assert leaver.membership.person_id not in checkins
    assert not Message.objects.filter(template="nudge", person_id=leaver.membership.person_id).exists()


@pytest.mark.django_db
def test_check_ins_cannot_change_after_the_round_closes(client, weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).first()
    rounds_advance(now=rnd.close_at)
    with pytest.raises(ApplicationError, match="has closed"):
        checkin_record(seat_id=seat.pk, met="yes")


@pytest.mark.django_db
def test_a_malformed_seat_on_the_round_page_is_a_404_not_an_error(client, weekly, members):
    rnd = drawn_round(weekly)
    client.force_login(members[0].person)
    url = reverse("rounds:rematch-signed-in", kwargs={"slug": weekly.slug, "number": rnd.number})
    assert client.post(url, {"seat": "abc"}).status_code == 404
    other_seat = Seat.objects.filter(group__round=rnd).exclude(membership=members[0]).first()
    assert client.post(url, {"seat": str(other_seat.pk)}).status_code == 404  # not my seat


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
