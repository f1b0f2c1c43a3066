from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.conftest import at_once, run_tasks
from tests.factories import PersonFactory
from tests.links import first_link
from unmentoring.accounts.services import sign_in_request
from unmentoring.notifications import services
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import (
    CLAIM_BATCH,
    LEASE_MARGIN,
    Outgoing,
    _claim,
    _claim_batch,
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
    run_tasks()
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


def test_backoff_doubles_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(7) == timedelta(hours=1)
    assert retry_delay(30_000) == timedelta(hours=1)


def deliver_until(moment, start):
    """Run delivery from ``start`` to ``moment`` as the scheduler does: a minute after each retry falls due."""
    now = start
    while now <= moment:
        messages_deliver_due(now=now)
        upcoming = Message.objects.filter(status="queued").order_by("next_attempt_at").first()
        if upcoming is None:
            return
        now = max(upcoming.next_attempt_at, now) + timedelta(minutes=1)


def test_a_two_hour_smtp_outage_loses_nothing_and_each_message_arrives_once(member, stopped_smtp_server):
    messages = [queue(member.person, key=f"k{n}") for n in range(3)]
    start = timezone.now()
    deliver_until(start + timedelta(hours=2, minutes=30), start)  # the server is down the whole time
    assert {m.status for m in Message.objects.all()} == {"queued"}
    attempts = Message.objects.get(pk=messages[0].pk).attempts
    assert attempts >= 8  # eight attempts was where the old outbox gave up for good

    stopped_smtp_server.start()
    deliver_until(start + timedelta(hours=4), start + timedelta(hours=2, minutes=30))
    assert sorted(m["Message-ID"] for m in stopped_smtp_server.received) == sorted(
        {m["Message-ID"] for m in stopped_smtp_server.received})
    assert len(stopped_smtp_server.received) == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_after_the_retry_period_messages_fail_organisers_and_admins_hear_once_and_a_requeue_sends_them(
        member, stopped_smtp_server, settings):
    settings.OUTBOX_RETRY_HOURS = 72
    organiser = PersonFactory(full_name="Olu Organiser", email="olu@example.org")
    member.programme.organisers.add(organiser)
    PersonFactory(full_name="Ada Admin", email="admin@example.org", is_staff=True, is_superuser=True)
    for n in range(3):
        messages_queue([Outgoing(template="sign_in" if n == 2 else "already_member", to_email=member.person.email,
                                 idempotency_key=f"p{n}", programme_id=member.programme_id if n < 2 else None,
                                 context={"name": "Ada", "programme_name": member.programme.name, "link": "x", "minutes": 15})])
    start = timezone.now()

    deliver_until(start + timedelta(hours=71), start)
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}
    deliver_until(start + timedelta(hours=74), start + timedelta(hours=71))

    failed = Message.objects.filter(status="failed").exclude(template="delivery_failed")
    assert sorted(failed.values_list("idempotency_key", flat=True)) == ["p0", "p1", "p2"]
    alerts = Message.objects.filter(template="delivery_failed").order_by("to_email")
    assert [(a.to_email, a.context["count"], a.context["programme_name"]) for a in alerts] == [
        ("admin@example.org", 3, ""), ("olu@example.org", 2, member.programme.name)]
    admin_alert, organiser_alert = alerts
    assert admin_alert.context["last_error"].startswith("ConnectionRefusedError")
    assert (admin_alert.context["hours"], admin_alert.context["requeue_command"]) == (72, "unmentoring outbox requeue --failed")
    assert admin_alert.context["admin_link"].endswith("/admin/notifications/message/?status__exact=failed")
    assert (organiser_alert.context["requeue_command"], organiser_alert.programme_id, organiser_alert.person_id) == (
        "", member.programme_id, organiser.pk)
    assert organiser_alert.context["last_error"] == ""  # the server's words can name another programme's recipient
    assert ":admins:" in admin_alert.idempotency_key and ":admins:" not in organiser_alert.idempotency_key
    assert message_render(organiser_alert, save=False).body_text.count("administrators have been told") == 1
    alert = message_render(alerts[0], save=False)
    assert "unmentoring outbox requeue --failed" in alert.body_text
    assert "3 emails could not be delivered" in alert.subject
    # Another batch that gives up on nothing sends no more alerts.
    messages_deliver_due(now=start + timedelta(hours=80))
    assert Message.objects.filter(template="delivery_failed").count() == 2

    stopped_smtp_server.start()
    call_command("outbox", "requeue", "--failed")
    requeued = Message.objects.exclude(template="delivery_failed")
    assert sorted(requeued.values_list("idempotency_key", "status")) == [("p0", "queued"), ("p1", "queued"), ("p2", "failed")]
    messages_deliver_due(now=timezone.now())
    # the requeued mail, not the alerts about it (the outage they were about is over)
    assert sorted(m["To"] for m in stopped_smtp_server.received) == [member.person.email, member.person.email]


@pytest.mark.parametrize(("args", "message"), [
    (["requeue"], "the following arguments are required: --failed"),
    (["requeue", "--failed", "--since", "yesterday"], "--since: 'yesterday' is not a date and time like 2027-01-08T09:00"),
    (["requeue", "--failed"], "No failed messages to requeue."),
])
def test_outbox_requeue_refuses_what_it_cannot_do(args, message):
    with pytest.raises(CommandError) as error:
        call_command("outbox", *args)
    assert message in str(error.value)


def test_requeue_since_takes_only_the_later_failures(member):
    queue(member.person, key="old")
    queue(member.person, key="new")
    cutoff = timezone.now()
    Message.objects.filter(idempotency_key="old").update(status="failed", queued_at=cutoff - timedelta(days=5))
    Message.objects.filter(idempotency_key="new").update(status="failed", queued_at=cutoff + timedelta(minutes=1))
    Message.objects.update(template="already_member")
    call_command("outbox", "requeue", "--failed", "--since", cutoff.isoformat())
    assert dict(Message.objects.values_list("idempotency_key", "status")) == {"old": "failed", "new": "queued"}


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


def test_subjects_and_text_parts_are_plain_text_on_the_wire_and_only_html_is_escaped(smtp_server):
    name, programme = "Seán O'Brien & Co", "Tea & Talk <Leeds>"
    messages_queue([Outgoing(template="already_member", to_email="sean@example.org", idempotency_key="plain",
                             context={"name": name, "programme_name": programme, "link": "http://127.0.0.1:8000/x"})])
    messages_deliver_due()
    received = smtp_server.received[0]
    assert received["Subject"] == f"You are already signed up to {programme}"
    raw = smtp_server.handler.envelopes[0].original_content
    assert b"&#x27;" not in raw.split(b"\r\n\r\n", 1)[0] and b"&amp;" not in raw.split(b"\r\n\r\n", 1)[0]
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert f"Hello {name}," in text
    assert "Hello Seán O&#x27;Brien &amp; Co," in html and "Tea &amp; Talk &lt;Leeds&gt;" in html


def test_list_unsubscribe_goes_out_as_a_plain_url_however_long_the_address(smtp_server, settings):
    settings.SITE_URL = "https://coffee.localgov-digital.example.org"
    link = f"{settings.SITE_URL}/r/unsubscribe/MTIzNDU2:1tYx2aBcD:{'s' * 43}/"
    messages_queue([Outgoing(template="round_notice", to_email="a@example.org", idempotency_key="long",
                             context={"name": "A", "round_number": 1, "draw_date": "Tuesday 5 January 2027",
                                      "skip_link": "x", "programme_name": "P", "unsubscribe_link": link, "account_link": "y"})])
    messages_deliver_due()
    head = smtp_server.handler.envelopes[0].original_content.split(b"\r\n\r\n", 1)[0].decode()
    assert f"\r\nList-Unsubscribe: <{link}>\r\n" in head
    assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click" in head
    assert "=?utf-8?" not in head


def _queue_many(count: int, prefix: str = "many") -> None:
    messages_queue([Outgoing(template="already_member", to_email=f"person{n}@example.org", idempotency_key=f"{prefix}:{n}",
                             context={"name": f"Person {n}", "programme_name": "Coffee", "link": "http://x/"})
                    for n in range(count)])


@pytest.mark.django_db(transaction=True)
def test_workers_delivering_at_once_send_every_message_exactly_once(smtp_server):
    """Each worker claims its own batches (on PostgreSQL skipping rows another has locked): none is sent twice,
    none is skipped."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers in threads are a PostgreSQL matter; SQLite serialises writers")
    count = 7 * CLAIM_BATCH + 3
    _queue_many(count)
    results = at_once(4, messages_deliver_due)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == count
    ids = [m["Message-ID"] for m in smtp_server.received]
    assert len(ids) == count and len(set(ids)) == count
    assert Message.objects.filter(status="sent").count() == count


def test_a_batch_past_its_lease_hands_back_what_it_has_not_sent_without_counting_an_attempt(smtp_server):
    _queue_many(5)
    messages = _claim_batch(timezone.now())
    assert [m.attempts for m in messages] == [1] * 5
    # The mail server was so slow that less than the margin is left of the lease when the batch starts.
    for message in messages:
        message.next_attempt_at = timezone.now() + LEASE_MARGIN - timedelta(seconds=1)
    services._deliver_claimed(messages, now=timezone.now(), mailer=None)
    assert smtp_server.received == []
    handed_back = Message.objects.filter(status="queued")
    assert handed_back.count() == 5
    assert {m.attempts for m in handed_back} == {0}
    assert messages_deliver_due(now=timezone.now()) == 5  # due again at once, for any worker


def test_one_broken_message_in_a_batch_costs_only_itself(member, smtp_server):
    _queue_many(3)
    Message.objects.filter(idempotency_key="many:1").update(template="no_such_template")
    assert messages_deliver_due(now=timezone.now()) == 2
    broken = Message.objects.get(idempotency_key="many:1")
    assert broken.status == "queued" and broken.attempts == 1 and "no_such_template" in broken.last_error
    assert len(smtp_server.received) == 2
