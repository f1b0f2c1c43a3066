"""A member's own membership: details, pause, resume, leave, one-click links."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.clock import at
from tests.factories import MembershipFactory
from tests.links import path_of
from tests.rounds.helpers import schedule
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.services import memberships_resume_due
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def membership_url(name, membership):
    return reverse(f"programmes:membership-{name}", kwargs={"slug": membership.programme.slug})


def date_fields(day):
    return {"paused_until_day": day.day, "paused_until_month": day.month, "paused_until_year": day.year}


def test_a_member_can_edit_their_details_and_bad_input_changes_nothing(client, signed_in):
    url = membership_url("details", signed_in)
    good = {"organisation": "Hackney Council", "role": "Developer", "phone": "+44 808 157 0192",
            "video_kind": "zoom", "video_handle": "ada.zoom", "happy_to_talk_about": "APIs",
            "rhythm": "quarterly"}

    bad = client.post(url, {**good, "phone": "999"})
    assert bad.status_code == 200
    assert list(bad.context["form"].errors) == ["phone"]
    signed_in.refresh_from_db()
    assert signed_in.organisation != "Hackney Council"

    assert client.post(url, good).status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.organisation, signed_in.phone, signed_in.video_kind, signed_in.rhythm) == (
        "Hackney Council", "+448081570192", "zoom", "quarterly")


def test_a_member_cannot_reach_a_programme_they_are_not_in(client, signed_in):
    other = MembershipFactory()
    assert client.get(membership_url("details", other)).status_code == 404
    assert client.post(membership_url("leave", other)).status_code == 404
    other.refresh_from_db()
    assert other.status == "active"


def test_pausing_until_a_future_date_and_resuming(client, signed_in):
    until = timezone.localdate() + timedelta(days=30)
    response = client.post(membership_url("pause", signed_in), date_fields(until))
    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.status, signed_in.paused_until) == ("paused", until)

    assert client.post(membership_url("resume", signed_in)).status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.status, signed_in.paused_until) == ("active", None)


@pytest.mark.parametrize(("fields", "error"), [
    (lambda today: date_fields(today), "Pause until must be in the future"),
    (lambda today: date_fields(today - timedelta(days=3)), "Pause until must be in the future"),
    (lambda today: date_fields(today + timedelta(days=400)), "Pause until must be within a year from today"),
    (lambda today: {"paused_until_day": "31", "paused_until_month": "2", "paused_until_year": today.year + 1},
     "Pause until must be a real date"),
])
def test_bad_pause_dates_are_explained_and_nothing_changes(client, signed_in, fields, error):
    response = client.post(membership_url("pause", signed_in), fields(timezone.localdate()))
    assert response.status_code == 200
    assert response.context["form"].errors["paused_until"] == [error]
    signed_in.refresh_from_db()
    assert signed_in.status == "active"


def test_a_missing_pause_date_is_explained(client, signed_in):
    response = client.post(membership_url("pause", signed_in), {})
    assert response.status_code == 200
    assert len(response.context["form"].errors["paused_until"]) == 1
    signed_in.refresh_from_db()
    assert signed_in.status == "active"


def test_pauses_end_by_themselves_on_their_date_in_the_programmes_time_zone(member):
    member.status, member.paused_until = "paused", timezone.datetime(2027, 3, 10).date()
    member.save()
    member.programme.time_zone = "America/New_York"
    member.programme.save()
    # 01:00 in London on the 10th is still the 9th in New York
    assert memberships_resume_due(now=at("2027-03-10 01:00")) == 0
    assert memberships_resume_due(now=at("2027-03-10 06:00")) == 1
    member.refresh_from_db()
    assert (member.status, member.paused_until) == ("active", None)


def test_leaving_asks_first_then_leaves(client, signed_in):
    page = client.get(membership_url("leave", signed_in))
    assert page.status_code == 200
    signed_in.refresh_from_db()
    assert signed_in.status == "active"

    assert client.post(membership_url("leave", signed_in)).status_code == 302
    signed_in.refresh_from_db()
    assert signed_in.status == "left" and signed_in.left_at is not None
    # resuming a left membership is refused with a message, not an error page
    response = client.post(membership_url("resume", signed_in), follow=True)
    assert response.status_code == 200
    signed_in.refresh_from_db()
    assert signed_in.status == "left"


def test_one_click_unsubscribe_leaves_the_programme(client, weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.notice_at)
    notice = message_render(Message.objects.get(template="round_notice", person=members[0].person))
    url = path_of(notice.headers["List-Unsubscribe"].strip("<>"))

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    members[0].refresh_from_db()
    assert members[0].status == "left"
    assert client.get(url[:-4] + "nope/").status_code == 400


def _paused_for_silence(membership):
    """As the silence rule leaves a member: paused for a year, reason "silent" (set directly, as old code did)."""
    until = timezone.localdate() + timedelta(days=365)
    type(membership).objects.filter(pk=membership.pk).update(status="paused", paused_until=until, pause_reason="silent")


def _exported_membership(client):
    return client.get(reverse("accounts:download-data")).json()["memberships"][0]


@pytest.mark.parametrize("path", ["account page", "one-click link", "pause date passing"])
def test_every_way_of_resuming_ends_the_pause_and_its_reason(client, signed_in, path):
    _paused_for_silence(signed_in)
    if path == "account page":
        assert client.post(membership_url("resume", signed_in)).status_code == 302
    elif path == "one-click link":
        # Made as the emails made it before the house move: links already sent must keep working.
        token = signing.dumps(signed_in.pk, salt="unmentoring.resume")
        assert client.post(reverse("programmes:resume", kwargs={"token": token})).status_code == 200
    else:
        assert memberships_resume_due(now=timezone.now() + timedelta(days=366)) == 1
    signed_in.refresh_from_db()
    assert (signed_in.status, signed_in.paused_until, signed_in.pause_reason) == ("active", None, "")
    assert signed_in.resumed_at is not None
    exported = _exported_membership(client)
    assert (exported["status"], exported["pause_reason"], exported["paused_until"]) == ("active", "", None)


def test_a_pause_says_why_until_it_ends(client, signed_in):
    until = timezone.localdate() + timedelta(days=30)
    client.post(membership_url("pause", signed_in), date_fields(until))
    assert _exported_membership(client)["pause_reason"] == "asked"


def test_resuming_twice_changes_nothing_and_a_member_who_left_cannot_resume_by_link(client, signed_in):
    token = signing.dumps(signed_in.pk, salt="unmentoring.resume")
    url = reverse("programmes:resume", kwargs={"token": token})
    assert client.post(url).status_code == 200  # already active: nothing to do, no error
    type(signed_in).objects.filter(pk=signed_in.pk).update(status="left")
    response = client.post(url)
    assert response.status_code == 409
    assert "Sign up again from its page" in response.text
    signed_in.refresh_from_db()
    assert signed_in.status == "left"
