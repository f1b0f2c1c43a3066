"""One message from the organisers to a programme's active members: previewed, sent through the outbox,
audited, at most one a day."""

from datetime import timedelta

import pytest
from django.urls import reverse

from unmentoring.core.errors import ApplicationError
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_deliver
from unmentoring.programmes.models import Announcement
from unmentoring.programmes.services import announcement_send

pytestmark = pytest.mark.django_db
TEXT = {"subject": "Round 5 moves a week", "body": "Because of the bank holiday.\n\nSee you then!"}


def test_preview_first_then_send_to_active_members_only_with_the_unsubscribe_footer(client, weekly, members, organiser,
                                                                                     smtp_server):
    members[0].status = "left"
    members[0].save()
    path = reverse("console:announce", args=[weekly.slug])
    preview = client.post(path, {**TEXT, "action": "preview"})
    assert 'data-testid="announcement-preview"' in preview.content.decode() and "7 members" in preview.content.decode()
    assert not Message.objects.exists()
    response = client.post(path, {**TEXT, "action": "send"})
    assert response.status_code == 302
    sent = Message.objects.filter(template="announcement")
    assert sorted(sent.values_list("person_id", flat=True)) == sorted(m.person_id for m in members[1:])
    message_deliver(message_id=sent.first().pk)
    [received] = smtp_server.received
    assert received["Subject"] == "Round 5 moves a week — Weekly Coffee"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(("plain",)).get_content()
    assert "Because of the bank holiday." in text and "See you then!" in text and "Unsubscribe:" in text
    event = AuditEvent.objects.get(action="announcement.send")
    assert (event.actor_id, event.programme_id, event.detail) == (organiser.pk, weekly.pk, {"recipients": 7})


def test_at_most_one_a_day_and_bad_input_is_explained_and_sends_nothing(client, weekly, members, organiser):
    path = reverse("console:announce", args=[weekly.slug])
    for data, field in (({"subject": "", "body": "x"}, "subject"), ({"subject": "x", "body": ""}, "body"),
                        ({"subject": "x" * 121, "body": "x"}, "subject"), ({"subject": "x", "body": "a\u202eb"}, "body")):
        response = client.post(path, {**data, "action": "send"})
        assert field in response.context["form"].errors, data
    assert not Message.objects.exists() and not Announcement.objects.exists()
    client.post(path, {**TEXT, "action": "send"})
    again = client.post(path, {**TEXT, "action": "send"})
    assert "sent an announcement in the last day" in again.content.decode()
    assert Announcement.objects.count() == 1 and Message.objects.filter(template="announcement").count() == 8
    first = Announcement.objects.get()
    with pytest.raises(ApplicationError):
        announcement_send(programme=weekly, actor=organiser, now=first.sent_at + timedelta(hours=23), **TEXT)
    announcement_send(programme=weekly, actor=organiser, now=first.sent_at + timedelta(hours=24), **TEXT)
    assert Announcement.objects.count() == 2


def test_only_the_programmes_organisers_can_announce(client, weekly, members):
    path = reverse("console:announce", args=[weekly.slug])
    client.force_login(members[0].person)
    assert client.post(path, {**TEXT, "action": "send"}).status_code == 404
    assert not Message.objects.exists()
