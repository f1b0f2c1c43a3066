"""The round-up email: to members who want it, turned off from the account page or by one click."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.rounds.helpers import drawn_round, link_in
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_deliver, message_render
from unmentoring.programmes.models import Membership
from unmentoring.programmes.services import membership_leave
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def _closed(weekly):
    rnd = drawn_round(weekly)
    rounds_advance(now=rnd.close_at)
    return rnd


def test_the_round_up_goes_to_every_member_of_the_round_who_wants_it_with_both_parts(weekly, members, smtp_server):
    members[0].digests = False
    members[0].save()
    _closed(weekly)
    sent = Message.objects.filter(template="round_up")
    assert sorted(sent.values_list("person_id", flat=True)) == sorted(m.person_id for m in members[1:])
    message_deliver(message_id=sent.first().pk)
    [received] = smtp_server.received
    assert received["Subject"].startswith("Round 1")
    assert {part.get_content_type() for part in received.walk()} >= {"text/plain", "text/html"}
    # A mail client's "Unsubscribe" on a round-up stops round-ups, not the membership.
    assert "/r/no-round-ups/" in received["List-Unsubscribe"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_one_click_link_shows_a_button_then_turns_round_ups_off(client, weekly, members):
    _closed(weekly)
    message = Message.objects.filter(template="round_up").order_by("pk").first()
    link = link_in(message, "/r/no-round-ups/")
    membership = Membership.objects.get(person_id=message.person_id)
    assert client.get(link).status_code == 200 and Membership.objects.get(pk=membership.pk).digests
    assert client.post(link).status_code == 200
    membership.refresh_from_db()
    assert (membership.digests, membership.status) == (False, "active")


def test_a_mail_clients_one_click_post_needs_no_cookie_or_token(weekly, members):
    _closed(weekly)
    message = message_render(Message.objects.filter(template="round_up").order_by("pk").first())
    url = message.headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")
    # As a mail client would: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, response.content) == (200, b"No more round-up emails.")
    assert not Membership.objects.get(person_id=message.person_id).digests


def test_a_tampered_or_cross_purpose_link_changes_nothing(client, weekly, members):
    _closed(weekly)
    message = Message.objects.filter(template="round_up").order_by("pk").first()
    link = link_in(message, "/r/no-round-ups/")
    unsubscribe = link_in(message, "/r/unsubscribe/")
    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    for bad in (link[:-3] + "xx/", f"/r/no-round-ups/{token}/"):
        assert client.post(bad).status_code == 400, bad
    assert Membership.objects.filter(digests=False).count() == 0


def test_the_account_page_turns_round_ups_off_and_on(client, signed_in):
    path = reverse("programmes:membership-digests", args=[signed_in.programme.slug])
    assert client.get(path).status_code == 405
    client.post(path, {"digests": "off"})
    signed_in.refresh_from_db()
    assert not signed_in.digests
    assert "Turn on round-up emails" in client.get(reverse("site:account")).content.decode()
    client.post(path, {"digests": "on"})
    signed_in.refresh_from_db()
    assert signed_in.digests
    assert client.post(reverse("programmes:membership-digests", args=["not-mine"]), {"digests": "off"}).status_code == 404


def test_a_member_who_turns_round_ups_off_or_leaves_after_the_close_is_not_sent_the_one_waiting(weekly, members):
    _closed(weekly)
    waiting = {m.person_id: m for m in Message.objects.filter(template="round_up")}
    off, gone = members[0], members[1]
    Membership.objects.filter(pk=off.pk).update(digests=False)
    membership_leave(membership=gone)
    for member in (off, gone):
        message = message_deliver(message_id=waiting[member.person_id].pk)
        assert message.status == "cancelled", message.last_error


def test_the_account_toggle_refuses_anything_but_on_or_off(client, signed_in):
    path = reverse("programmes:membership-digests", args=[signed_in.programme.slug])
    for bad in ({}, {"digests": "bogus"}):
        assert client.post(path, bad).status_code == 400
    signed_in.refresh_from_db()
    assert signed_in.digests
