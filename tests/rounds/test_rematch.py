
import pytest
from django.urls import reverse

from tests.clock import at
from tests.rounds.helpers import drawn_round, link_in, seats_in_different_groups
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import Group, Round, Seat
from unmentoring.rounds.services.lifecycle import rounds_advance
from unmentoring.rounds.services.rematch import seat_request_rematch


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
def test_a_malformed_seat_on_the_round_page_is_a_404_not_an_error(client, weekly, members):
    rnd = drawn_round(weekly)
    client.force_login(members[0].person)
    url = reverse("rounds:rematch-signed-in", kwargs={"slug": weekly.slug, "number": rnd.number})
    assert client.post(url, {"seat": "abc"}).status_code == 404
    assert client.post(url, {"seat": "\u00b2"}).status_code == 404  # "²" is a digit to str.isdigit, not to int()
    assert client.post(url, {"seat": "\u0661"}).status_code == 404  # Arabic-Indic one
    other_seat = Seat.objects.filter(group__round=rnd).exclude(membership=members[0]).first()
    assert client.post(url, {"seat": str(other_seat.pk)}).status_code == 404  # not my seat


@pytest.mark.django_db
def test_a_round_number_too_big_for_its_column_is_no_round(client, weekly, members):
    """On PostgreSQL such a number, cut down to 32 bits, would have been round 1's (2**32 + 1)."""
    rnd = drawn_round(weekly)
    client.force_login(members[0].person)
    for number in (2**32 + rnd.number, 2**64 + rnd.number, 2**31 + rnd.number):
        kwargs = {"slug": weekly.slug, "number": number}
        assert client.get(reverse("rounds:detail", kwargs=kwargs)).status_code == 404
        seat = Seat.objects.get(group__round=rnd, membership=members[0])
        assert client.post(reverse("rounds:rematch-signed-in", kwargs=kwargs), {"seat": seat.pk}).status_code == 404
    assert client.get(reverse("rounds:detail", kwargs={"slug": weekly.slug, "number": rnd.number})).status_code == 200
