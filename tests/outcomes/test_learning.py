"""Think, do, share: published learnings appear exactly as their members chose, and nowhere else."""

from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MembershipFactory, PersonFactory
from tests.rounds.helpers import drawn_round
from unmentoring.accounts.services import person_erase
from unmentoring.core.models import AuditEvent
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_deliver, message_render
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_hide, checkin_record, checkin_unpublish
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db

NAMED = "Named learning: councils can share one design system."
ANONYMOUS = "Anonymous learning: ask finance to the show and tell."
PRIVATE = "Private learning: my manager is wrong about agile."
NOT_MET = "Detail nobody else should read."


@pytest.fixture
def answered(weekly, members):
    """Round 1 drawn; one member publishes with their name, one without, one keeps it private, one did not meet."""
    rnd = drawn_round(weekly)
    seats = list(Seat.objects.filter(group__round=rnd).select_related("membership__person").order_by("group__number", "pk"))
    named, anonymous, private, not_met = seats[0], seats[2], seats[4], seats[6]
    checkin_record(seat_id=named.pk, answer=CheckInAnswer(met="yes", challenge=5, learned=NAMED, publish="named",
                                                          shared_url="https://blog.example.org/named"))
    checkin_record(seat_id=anonymous.pk, answer=CheckInAnswer(met="yes", challenge=3, learned=ANONYMOUS, publish="anonymous"))
    checkin_record(seat_id=private.pk, answer=CheckInAnswer(met="yes", challenge=2, learned=PRIVATE, publish="private"))
    checkin_record(seat_id=not_met.pk, answer=CheckInAnswer(met="no", not_met_reason="other", not_met_detail=NOT_MET))
    return {"round": rnd, "named": named, "anonymous": anonymous, "private": private, "not_met": not_met}


def _public_pages(client, rnd, checkins):
    slug = rnd.programme.slug
    paths = [reverse("site:programme", args=[slug]), reverse("outcomes:learning", args=[slug]),
             reverse("outcomes:learning", args=[slug]) + "?round=1", reverse("outcomes:learning-atom", args=[slug]),
             reverse("rounds:detail", args=[slug, 1]), reverse("site:home")]
    if rnd.state == "closed":
        paths.append(reverse("outcomes:round-up", args=[slug, 1]))
    paths += [reverse("outcomes:learning-entry", args=[slug, c.pk]) for c in checkins]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        pages[path] = response.content.decode()
    return pages


def _everything_public_and_emailed(client, answered, signed_in_as):
    rnd = answered["round"]
    rnd.refresh_from_db()
    checkins = list(CheckIn.objects.all())
    texts = _public_pages(client, rnd, checkins)
    client.force_login(signed_in_as.membership.person)  # a member, not the author and not an organiser
    texts.update({f"signed-in {p}": t for p, t in _public_pages(client, rnd, checkins).items()})
    texts["someone else's data download"] = client.get(reverse("accounts:download-data")).content.decode()
    client.logout()
    for message in Message.objects.exclude(person_id=None).order_by("pk"):
        rendered = message_render(message)
        texts[f"email {message.template} to {message.to_email}"] = rendered.subject + rendered.body_text + rendered.body_html
    return texts


def test_each_learning_appears_exactly_as_its_member_chose_in_every_public_place_and_email(client, answered, weekly):
    rounds_advance(now=answered["round"].close_at)
    bystander = Seat.objects.filter(group__round=answered["round"]).order_by("pk")[1]
    texts = _everything_public_and_emailed(client, answered, bystander)

    named_person = answered["named"].membership.person
    anonymous_person = answered["anonymous"].membership.person
    for where, text in texts.items():
        assert PRIVATE not in text, where
        assert NOT_MET not in text, where
        if ANONYMOUS in text and anonymous_person.email not in where:  # their own emails greet them by name
            assert anonymous_person.full_name not in text and anonymous_person.email not in text, where

    slug = weekly.slug
    for path in (f"/programmes/{slug}/learning/", f"/programmes/{slug}/rounds/1/round-up/", f"/programmes/{slug}/",
                 f"/programmes/{slug}/learning.atom"):
        assert NAMED in texts[path] and ANONYMOUS in texts[path], path
        assert f"{named_person.full_name}, {answered['named'].membership.organisation}" in texts[path], path
    digests = [text for where, text in texts.items() if where.startswith("email round_up")]
    assert len(digests) == 8
    assert all(NAMED in d and ANONYMOUS in d and named_person.full_name in d for d in digests)
    learning_page = texts[f"/programmes/{slug}/learning/"]
    assert 'href="https://blog.example.org/named" rel="nofollow ugc noopener"' in learning_page


def test_the_atom_feed_parses_with_stable_tag_ids_an_author_only_when_named_and_updated_when_edited(client, answered, weekly):
    path = reverse("outcomes:learning-atom", args=[weekly.slug])
    feed = feedparser.parse(client.get(path).content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == f"What people learned: {weekly.name}"
    by_id = {entry.id: entry for entry in feed.entries}
    named = CheckIn.objects.get(seat=answered["named"])
    anonymous = CheckIn.objects.get(seat=answered["anonymous"])
    assert set(by_id) == {f"tag:127.0.0.1,2026:checkin:{named.pk}", f"tag:127.0.0.1,2026:checkin:{anonymous.pk}"}
    named_entry = by_id[f"tag:127.0.0.1,2026:checkin:{named.pk}"]
    anonymous_entry = by_id[f"tag:127.0.0.1,2026:checkin:{anonymous.pk}"]
    person = answered["named"].membership.person
    assert named_entry.author == f"{person.full_name}, {answered['named'].membership.organisation}"
    assert "author" not in anonymous_entry and feed.feed.author == weekly.name  # nothing that identifies the member
    assert NAMED in named_entry.summary and "https://blog.example.org/named" in named_entry.summary
    assert client.get(named_entry.link.replace("http://127.0.0.1:8000", "")).status_code == 200

    CheckIn.objects.filter(pk=named.pk).update(created_at=named.created_at - timedelta(days=1),
                                               updated_at=named.updated_at - timedelta(days=1))
    before = {e.id: e for e in feedparser.parse(client.get(path).content).entries}[named_entry.id].updated_parsed
    checkin_record(seat_id=answered["named"].pk, answer=CheckInAnswer(met="yes", challenge=5, learned=NAMED + " Edited.",
                                                                      publish="named"))
    entry = {e.id: e for e in feedparser.parse(client.get(path).content).entries}[named_entry.id]
    assert entry.updated_parsed != before and "Edited." in entry.summary


def test_markup_in_a_learning_is_text_everywhere(client, answered, weekly):
    checkin_record(seat_id=answered["named"].pk, answer=CheckInAnswer(
        met="yes", challenge=5, learned='<script>alert("x")</script> & <b>bold</b>', publish="named"))
    page = client.get(reverse("outcomes:learning", args=[weekly.slug])).content.decode()
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page
    feed = feedparser.parse(client.get(reverse("outcomes:learning-atom", args=[weekly.slug])).content)
    summary = next(e.summary for e in feed.entries if "bold" in e.summary)
    assert "<b>" not in summary and "&lt;b&gt;bold&lt;/b&gt;" in summary


def test_a_member_can_change_their_mind_before_close_and_unpublish_after(client, answered, weekly):
    feed_path = reverse("outcomes:learning", args=[weekly.slug])
    checkin_record(seat_id=answered["anonymous"].pk, answer=CheckInAnswer(met="yes", challenge=3, learned=ANONYMOUS,
                                                                          publish="private"))
    assert ANONYMOUS not in client.get(feed_path).content.decode()
    rounds_advance(now=answered["round"].close_at)
    checkin_unpublish(seat_id=answered["named"].pk)
    for path in (feed_path, reverse("outcomes:round-up", args=[weekly.slug, 1]),
                 reverse("outcomes:learning-atom", args=[weekly.slug])):
        assert NAMED not in client.get(path).content.decode()
    # The round-up emails not yet sent are written when they are sent: without it.
    digest = message_render(Message.objects.filter(template="round_up").first())
    assert NAMED not in digest.body_text + digest.body_html


def test_organisers_can_hide_a_learning_with_an_audit_record(client, answered, weekly):
    organiser = PersonFactory(full_name="Olu Organiser")
    named = CheckIn.objects.get(seat=answered["named"])
    checkin_hide(checkin_id=named.pk, actor=organiser)
    assert NAMED not in client.get(reverse("outcomes:learning", args=[weekly.slug])).content.decode()
    assert client.get(reverse("outcomes:learning-entry", args=[weekly.slug, named.pk])).status_code == 404
    event = AuditEvent.objects.get(action="checkin.hide")
    assert (event.actor_id, event.subject) == (organiser.pk, f"checkin:{named.pk}")
    checkin_hide(checkin_id=named.pk, actor=organiser, hidden=False)
    assert NAMED in client.get(reverse("outcomes:learning", args=[weekly.slug])).content.decode()


def test_erasure_removes_a_members_entries_and_the_round_up_emails_quoting_them(client, answered, weekly, smtp_server):
    rounds_advance(now=answered["round"].close_at)
    sent = Message.objects.filter(template="round_up").exclude(person_id=answered["named"].membership.person_id).first()
    message_deliver(message_id=sent.pk)
    person_erase(person=answered["named"].membership.person)
    for path in (reverse("outcomes:learning", args=[weekly.slug]), reverse("outcomes:learning-atom", args=[weekly.slug]),
                 reverse("outcomes:round-up", args=[weekly.slug, 1])):
        assert NAMED not in client.get(path).content.decode()
    assert CheckIn.objects.filter(learned=NAMED).count() == 0
    sent.refresh_from_db()
    assert NAMED not in sent.body_text + sent.body_html
    for message in Message.objects.filter(template="round_up", status="queued"):
        rendered = message_render(message)
        assert NAMED not in rendered.body_text and ANONYMOUS in rendered.body_text


def test_the_learning_page_filters_by_round_pages_and_refuses_a_bad_round(client, weekly, members):
    rnd = drawn_round(weekly)
    seats = Seat.objects.filter(group__round=rnd).order_by("pk")
    for index, seat in enumerate(seats):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=3, learned=f"Learning number {index}.",
                                                             publish="anonymous"))
    path = reverse("outcomes:learning", args=[weekly.slug])
    assert client.get(path + "?round=1").status_code == 200
    for bad in ("?round=2", "?round=abc", "?round=-1", "?round=%EF%BC%91"):
        assert client.get(path + bad).status_code == 404, bad
    page = client.get(path).content.decode()
    assert page.index("Learning number 7.") < page.index("Learning number 0.")  # newest first


def test_the_learning_page_and_feed_take_the_same_queries_for_two_learnings_or_twenty_five(
    client, weekly, django_assert_num_queries
):
    for n in range(50):
        MembershipFactory(programme=weekly, organisation=f"Org {n % 5}")
    rnd = drawn_round(weekly)
    seats = list(Seat.objects.filter(group__round=rnd).order_by("pk"))
    paths = [reverse("outcomes:learning", args=[weekly.slug]), reverse("outcomes:learning-atom", args=[weekly.slug]),
             reverse("site:programme", args=[weekly.slug])]

    def answer(some):
        for seat in some:
            checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned="Lots.", publish="named"))

    answer(seats[:2])
    counts = []
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counts.append(len(captured))
    answer(seats[2:25])
    for path, count in zip(paths, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(path)


def test_the_public_challenge_median_needs_five_answers(client, weekly, members):
    rnd = drawn_round(weekly)
    seats = list(Seat.objects.filter(group__round=rnd).order_by("pk"))
    for seat, score in zip(seats[:4], [5, 1, 2, 4], strict=True):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=score))
    rounds_advance(now=rnd.close_at)
    page = client.get(reverse("outcomes:round-up", args=[weekly.slug, 1])).content.decode()
    assert "Too few answers to show" in page and "out of 5" not in page
    digest = message_render(Message.objects.filter(template="round_up").first())
    assert "too few answers to show" in digest.body_text


def test_the_median_of_five_answers_is_shown(client, weekly, members):
    rnd = drawn_round(weekly)
    for seat, score in zip(Seat.objects.filter(group__round=rnd).order_by("pk")[:5], [5, 1, 2, 4, 4], strict=True):
        checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=score))
    rounds_advance(now=rnd.close_at)
    page = client.get(reverse("outcomes:round-up", args=[weekly.slug, 1])).content.decode()
    assert "4 out of 5 (the median of 5 answers)" in page


def test_erasure_blanks_sent_round_ups_that_quoted_a_learning_unpublished_since(client, answered, smtp_server):
    rounds_advance(now=answered["round"].close_at)
    sent = Message.objects.filter(template="round_up").exclude(person_id=answered["named"].membership.person_id).first()
    message_deliver(message_id=sent.pk)
    assert NAMED in Message.objects.get(pk=sent.pk).body_text
    checkin_unpublish(seat_id=answered["named"].pk)
    person_erase(person=answered["named"].membership.person)
    sent.refresh_from_db()
    assert NAMED not in sent.body_text + sent.body_html
