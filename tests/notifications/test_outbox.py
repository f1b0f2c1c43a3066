from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.links import first_link
from unmentoring.accounts.services import sign_in_request
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import (
    Outgoing,
    _claim,
    message_deliver,
    message_render,
    messages_deliver_due,
    messages_queue,
    retry_delay,
)

pytestmark = pytest.mark.django_db


def queue(person, key="k"):
    messages_queue([Outgoing(template="sign_in", to_email=person.email, person_id=person.pk, idempotency_key=key,
                             context={"name": person.full_name, "link": "http://127.0.0.1:8000/x", "minutes": 15})])
    return Message.objects.get(idempotency_key=key)


def test_queueing_twice_with_one_key_makes_one_message(member):
    first = queue(member.person)
    second = queue(member.person)
    assert first.pk == second.pk
    assert Message.objects.count() == 1


def test_queueing_a_key_twice_in_one_batch_makes_one_message(member):
    outgoing = Outgoing(template="sign_in", to_email=member.person.email, idempotency_key="same",
                        context={"name": "Ada", "link": "http://127.0.0.1:8000/x", "minutes": 15})
    assert messages_queue([outgoing, outgoing]) == 1
    assert Message.objects.count() == 1


def test_a_message_with_an_unsubscribe_link_gets_one_click_unsubscribe_headers_and_others_none(member):
    link = "http://127.0.0.1:8000/r/unsubscribe/abc/"
    messages_queue([
        Outgoing(template="round_notice", to_email=member.person.email, idempotency_key="with",
                 context={"name": "Ada", "round_number": 1, "draw_date": "Tuesday 5 January 2027", "skip_link": "x",
                          "programme_name": "P", "unsubscribe_link": link, "account_link": "y"}),
        Outgoing(template="sign_in", to_email=member.person.email, idempotency_key="without",
                 context={"name": "Ada", "link": "x", "minutes": 15}),
    ])
    assert message_render(Message.objects.get(idempotency_key="with")).headers == {
        "List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert message_render(Message.objects.get(idempotency_key="without")).headers == {}


def test_every_message_has_a_text_and_an_html_part(member):
    message = message_render(queue(member.person))
    assert message.body_text.startswith("Hello Ada Member")
    assert message.body_html.lstrip().startswith("<!DOCTYPE html>")
    assert message.subject == "Your link to sign in to Unmentoring"


def test_a_sign_in_email_arrives_at_a_real_smtp_server_and_its_link_works(client, member, smtp_server):
    sign_in_request(email=member.person.email, ip="127.0.0.1")
    message = Message.objects.get()

    message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    [received] = smtp_server.received
    assert received["To"] == "ada@example.org"
    assert received["From"] == "Unmentoring <no-reply@unmentoring.localhost>"
    assert received["Subject"] == "Your link to sign in to Unmentoring"
    assert received["Message-ID"].endswith("@unmentoring.localhost>")
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Sign in to Unmentoring" in html
    link = first_link(text)
    assert link in html.replace("&amp;", "&")

    page = client.get(link)
    assert page.status_code == 200
    form_token = link.split("token=", 1)[1]
    assert client.post(reverse("accounts:sign-in-link"), {"token": form_token}).status_code == 302
    assert int(client.session["_auth_user_id"]) == member.person.pk


def test_when_the_smtp_server_is_down_messages_are_retried_with_backoff_and_sent_once(member, stopped_smtp_server):
    messages = [queue(member.person, key=f"k{n}") for n in range(3)]
    now = timezone.now()

    assert messages_deliver_due(now=now) == 0
    for message in messages:
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("queued", 1)
        assert now + retry_delay(1) <= message.next_attempt_at <= timezone.now() + retry_delay(1)
        assert "ConnectionRefusedError" in message.last_error

    # Not due yet: nothing is attempted.
    assert messages_deliver_due(now=now + timedelta(seconds=30)) == 0
    assert {m.attempts for m in Message.objects.all()} == {1}

    stopped_smtp_server.start()
    later = now + retry_delay(1) + timedelta(seconds=5)
    assert messages_deliver_due(now=later) == 3
    assert messages_deliver_due(now=later + timedelta(hours=1)) == 0
    assert len(stopped_smtp_server.received) == 3
    assert sorted(m["Message-ID"] for m in stopped_smtp_server.received) == sorted(set(m["Message-ID"] for m in stopped_smtp_server.received))
    assert set(Message.objects.values_list("status", "attempts", "last_error")) == {("sent", 2, "")}


def test_backoff_doubles_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(hours=6)


def test_a_message_is_marked_failed_after_the_last_attempt(member, stopped_smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = queue(member.person)
    now = timezone.now()
    message_deliver(message_id=message.pk, now=now)
    message_deliver(message_id=message.pk, now=now + timedelta(days=1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    assert message_deliver(message_id=message.pk, now=now + timedelta(days=2)) is None


def test_the_sent_mail_page_is_off_unless_in_demo_mode(client, member, settings):
    message = queue(member.person)
    settings.DEBUG = False
    settings.DEMO_MODE = False
    assert client.get(reverse("notifications:sent-mail")).status_code == 404
    assert client.get(reverse("notifications:sent-mail-detail", args=[message.pk])).status_code == 404
    assert client.get(reverse("notifications:sent-mail-html", args=[message.pk])).status_code == 404


def test_the_sent_mail_page_shows_messages_in_demo_mode(client, member, settings, django_assert_max_num_queries):
    settings.DEMO_MODE = True
    messages = [queue(member.person, key=f"k{n}") for n in range(10)]
    with django_assert_max_num_queries(3):
        response = client.get(reverse("notifications:sent-mail"))
    assert response.status_code == 200
    assert response.text.count('data-testid="sent-mail-link"') == 10
    detail = client.get(reverse("notifications:sent-mail-detail", args=[messages[0].pk]))
    assert "Hello Ada Member" in detail.text
    html = client.get(reverse("notifications:sent-mail-html", args=[messages[0].pk]))
    assert html["Content-Security-Policy"].startswith("default-src 'none'")


def test_a_batch_of_due_messages_goes_over_one_smtp_session(member, smtp_server):
    for n in range(5):
        queue(member.person, key=f"batch{n}")
    assert messages_deliver_due(now=timezone.now()) == 5
    assert len(smtp_server.handler.peers) == 5
    assert len(set(smtp_server.handler.peers)) == 1


def test_a_long_batch_leases_each_message_from_the_moment_it_is_claimed(member, smtp_server):
    """A second deliverer, running while a long batch is still sending, must not take a message the first has claimed."""

    message = queue(member.person)
    batch_started = timezone.now() - timedelta(minutes=10)  # a batch ten minutes into a large draw's intros
    Message.objects.filter(pk=message.pk).update(next_attempt_at=batch_started)
    assert _claim(message.pk, batch_started) is not None
    assert message_deliver(message_id=message.pk, now=timezone.now() + timedelta(seconds=1)) is None
    message.refresh_from_db()
    assert message.attempts == 1
