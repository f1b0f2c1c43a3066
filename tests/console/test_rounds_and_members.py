"""Watching a programme from the console: its rounds with their groups and check-ins, and its members."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from tests.rounds.helpers import drawn_round, schedule
from unmentoring.core.errors import ApplicationError
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.programmes.services import membership_pause, membership_pause_by_organisers, membership_resume
from unmentoring.rounds.models import Group, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured)


def test_a_rounds_page_shows_every_group_with_names_organisations_and_check_ins(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).select_related("membership__person").order_by("pk").first()
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned="Private to organisers."))
    page = client.get(reverse("console:round", args=[weekly.slug, 1])).content.decode()
    assert page.count('data-testid="console-group"') == 4
    assert seat.membership.person.full_name in page and "Yes, we met; challenge 4 of 5" in page
    assert rnd.groups.first().explanation in page and rnd.seed in page
    listing = client.get(reverse("console:rounds", args=[weekly.slug])).content.decode()
    assert "Round 1" in listing and "Round 2" in listing  # the next one is scheduled
    assert client.get(reverse("console:round", args=[weekly.slug, 99])).status_code == 404
    member_page = client.get(reverse("console:member", args=[weekly.slug, seat.membership_id])).content.decode()
    assert "Private to organisers." in member_page  # organisers see what members keep private
    other = Seat.objects.filter(group=seat.group).exclude(pk=seat.pk).select_related("membership__person").get()
    assert other.membership.person.full_name in member_page


def test_the_members_list_searches_filters_and_pages_and_explains_a_bad_filter(client, weekly, members, organiser):
    path = reverse("console:members", args=[weekly.slug])
    assert 'data-testid="member-count">8 members' in client.get(path).content.decode()
    page = client.get(path, {"q": "m3@EXAMPLE"}).content.decode()
    assert "Member 3" in page and "Member 4" not in page
    page = client.get(path, {"organisation": "Org 1"}).content.decode()
    assert "Member 1" in page and "Member 5" in page and "Member 2" not in page
    members[0].status = "left"
    members[0].save()
    assert 'data-testid="member-count">1 member<' in client.get(path, {"status": "left"}).content.decode()
    bad = client.get(path, {"status": "sacked", "organisation": "Nowhere"})
    assert set(bad.context["form"].errors) == {"status", "organisation"}
    assert bad.context["page"].paginator.count == 8  # a bad filter filters nothing
    for _ in range(60):
        MembershipFactory(programme=weekly, organisation="Org Z")
    second = client.get(path, {"organisation": "Org Z", "page": "2"}).content.decode()
    assert 'data-testid="member-count">60 members' in second and "organisation=Org+Z&amp;page=1" in second
    for bad_page in ("0", "3", "x", "\uff12"):
        assert client.get(path, {"page": bad_page}).status_code == 404


def test_the_console_list_pages_take_the_same_queries_for_one_item_or_twenty(client, weekly, organiser):
    MembershipFactory(programme=weekly, organisation="Org 0")
    MembershipFactory(programme=weekly, organisation="Org 1")
    rnd = drawn_round(weekly)
    paths = [reverse("console:members", args=[weekly.slug]), reverse("console:rounds", args=[weekly.slug]),
             reverse("console:round", args=[weekly.slug, rnd.number]),
             reverse("console:member", args=[weekly.slug, Seat.objects.filter(group__round=rnd).first().membership_id])]
    before = [_queries(client, path) for path in paths]
    weekly.rounds.all().delete()
    for n in range(38):
        MembershipFactory(programme=weekly, organisation=f"Org {n % 5}")
    rnd = drawn_round(weekly)  # twenty groups now
    assert rnd.groups.count() == 20
    paths[2] = reverse("console:round", args=[weekly.slug, rnd.number])
    paths[3] = reverse("console:member", args=[weekly.slug, Seat.objects.filter(group__round=rnd).first().membership_id])
    assert [_queries(client, path) for path in paths] == before


def test_trying_the_draw_shows_what_to_expect_and_stores_and_sends_nothing(client, weekly, members, organiser):
    rnd = schedule(weekly)
    messages_before = Message.objects.count()
    path = reverse("console:round-preview", args=[weekly.slug, rnd.number])
    assert client.get(path).status_code == 405
    page = client.post(path).content.decode()
    assert 'data-testid="preview-groups">4<' in page and 'data-testid="preview-repeats">0<' in page
    assert members[0].person.full_name in page
    assert (Group.objects.count(), Message.objects.count()) == (0, messages_before)
    rnd.refresh_from_db()
    assert rnd.state == "scheduled" and rnd.seed not in page
    rounds_advance(now=rnd.draw_at)
    assert client.post(path).status_code == 302  # drawn: nothing to try


def test_trying_the_draw_says_who_cannot_be_placed(client, weekly, organiser):
    MembershipFactory(programme=weekly, organisation="Org 0")
    rnd = schedule(weekly)
    page = client.post(reverse("console:round-preview", args=[weekly.slug, rnd.number])).content.decode()
    assert "1 member due: at least 2 are needed." in page


def test_an_organiser_pauses_or_removes_a_member_with_a_reason_they_are_emailed(client, weekly, members, organiser):
    path = reverse("console:member", args=[weekly.slug, members[0].pk])
    until = timezone.localdate() + timedelta(days=30)
    bad = client.post(path, {"action": "pause", "pause-paused_until_day": until.day, "pause-paused_until_month": until.month,
                             "pause-paused_until_year": until.year, "pause-reason": ""})
    assert bad.context["pause_form"].errors["reason"] == ["Say why: the member is told"]
    past = client.post(path, {"action": "pause", "pause-paused_until_day": "1", "pause-paused_until_month": "1",
                              "pause-paused_until_year": "2020", "pause-reason": "x"})
    assert past.context["pause_form"].errors["paused_until"] == ["Pause until must be in the future"]
    assert not Message.objects.filter(template__startswith="organisers_").exists()
    client.post(path, {"action": "pause", "pause-paused_until_day": until.day, "pause-paused_until_month": until.month,
                       "pause-paused_until_year": until.year, "pause-reason": "Two reports of sales pitches."})
    members[0].refresh_from_db()
    assert (members[0].status, members[0].pause_reason, members[0].paused_until) == ("paused", "organisers", until)
    paused = message_render(Message.objects.get(template="organisers_paused"))
    assert "Two reports of sales pitches." in paused.body_text and f"{until:%-d %B %Y}" in paused.body_text
    client.post(path, {"action": "remove", "remove-reason": "Asked to leave by their council."})
    members[0].refresh_from_db()
    assert members[0].status == "left"
    removed = message_render(Message.objects.get(template="organisers_removed"))
    assert "Asked to leave by their council." in removed.body_text
    assert list(AuditEvent.objects.filter(action__startswith="membership.").values_list("action", flat=True)
                .order_by("pk")) == ["membership.pause", "membership.remove"]
    assert client.post(path, {"action": "remove", "remove-reason": "again"}).context["remove_form"].errors


def test_an_organiser_resends_an_intro_while_the_round_is_open(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    path = reverse("console:intro-resend", args=[weekly.slug, rnd.number])
    assert client.get(path).status_code == 405
    client.post(path, {"seat": seat.pk})
    again = Message.objects.filter(template="intro", context__seat=seat.pk)
    assert again.count() == 2 and message_render(again.order_by("-pk").first()).subject.startswith("Your match")
    assert AuditEvent.objects.filter(action="intro.resend").count() == 1
    assert client.post(path, {"seat": "x"}).status_code == 404
    rounds_advance(now=rnd.close_at)
    closed = client.post(path, {"seat": seat.pk}, follow=True)
    assert "only while the round is open" in closed.content.decode() and again.count() == 2


def test_an_organisers_pause_holds_until_its_date_or_the_organisers(client, weekly, members, organiser):
    until = timezone.localdate() + timedelta(days=30)
    membership_pause_by_organisers(membership=members[0], until=until, reason="A report to look into.", actor=organiser)
    with pytest.raises(ApplicationError, match="The organisers of Weekly Coffee have paused your place"):
        membership_resume(membership=members[0])
    with pytest.raises(ApplicationError, match="paused your place"):
        membership_pause(membership=members[0], until=until + timedelta(days=1), reason="asked")
    client.force_login(members[0].person)
    response = client.post(reverse("programmes:membership-resume", args=[weekly.slug]), follow=True)
    assert "paused your place until" in response.content.decode()
    members[0].refresh_from_db()
    assert (members[0].status, members[0].pause_reason) == ("paused", "organisers")
    membership_resume(membership=members[0], by_organisers=True)
    members[0].refresh_from_db()
    assert members[0].status == "active"
