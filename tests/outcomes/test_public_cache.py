"""The public pages' microcache: visitors who are not signed in share a copy a few seconds old; nothing
personal is ever cached, and what changes shows within those seconds."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.rounds.helpers import drawn_round
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record, checkin_unpublish

pytestmark = pytest.mark.django_db

LEARNING = "Microcache learning: ask the people who run the service."


@pytest.fixture
def cached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 1
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(weekly, members):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    checkin = checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4, learned=LEARNING,
                                                                   publish="named"))
    return rnd, seat, checkin


def _pages(slug):
    return [reverse("site:programme", args=[slug]), reverse("outcomes:learning", args=[slug]),
            reverse("outcomes:learning-atom", args=[slug])]


def test_visitors_share_a_copy_that_costs_no_queries_until_it_is_a_second_old(client, cached, published):
    rnd, _seat, _checkin = published
    for path in _pages(rnd.programme.slug):
        first = client.get(path)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(path)
        assert len(queries) == 0, path
        assert second.content == first.content and second["Content-Type"] == first["Content-Type"]
        assert LEARNING in second.content.decode()


def test_an_unpublished_learning_leaves_the_public_pages_once_the_copy_expires(client, cached, published):
    rnd, seat, checkin = published
    paths = _pages(rnd.programme.slug)
    for path in paths:
        assert LEARNING in client.get(path).content.decode()
    checkin_unpublish(seat_id=seat.pk)
    time.sleep(1.1)  # the copy's age limit (PUBLIC_PAGE_CACHE_SECONDS) passing, as it would for anyone
    for path in paths:
        assert LEARNING not in client.get(path).content.decode(), path


def test_a_signed_in_visitor_gets_their_own_page_and_it_is_never_shared(client, cached, published):
    rnd, seat, _checkin = published
    person = seat.membership.person
    path = reverse("site:programme", args=[rnd.programme.slug])
    client.force_login(person)
    mine = client.get(path).content.decode()
    assert "Sign out" in mine
    client.logout()
    anonymous = client.get(path).content.decode()
    assert "Sign out" not in anonymous
    client.force_login(person)
    assert "Sign out" in client.get(path).content.decode()  # not the anonymous copy


def test_a_page_showing_a_visitor_their_own_message_is_not_kept_for_the_next(client, cached, published, rf):
    rnd, _seat, _checkin = published
    slug = rnd.programme.slug
    assert client.get(reverse("site:programme", args=["no-such-programme"])).status_code == 404
    # A message (after leaving, say) shows to its visitor once, and is not kept for the next.
    from django.contrib.messages.storage.fallback import FallbackStorage  # noqa: PLC0415 (only here)
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415

    from unmentoring.site.views import programme  # noqa: PLC0415

    request = rf.get(reverse("site:programme", args=[slug]))
    request.session = SessionStore()
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    request._messages = FallbackStorage(request)
    request._messages.add(25, "You have left Weekly Coffee.")
    assert "You have left Weekly Coffee." in programme(request, slug=slug).content.decode()
    assert "You have left Weekly Coffee." not in client.get(reverse("site:programme", args=[slug])).content.decode()


def test_a_copy_goes_to_a_visitor_with_no_session_before_sessions_run_and_keeps_every_security_header(
        client, cached, published):
    rnd, _seat, _checkin = published
    path = reverse("site:programme", args=[rnd.programme.slug])
    fresh = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        copy = client.get(path)
    assert len(queries) == 0
    assert not hasattr(copy.wsgi_request, "user")  # served before authentication ran: nobody was looked up
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert copy[header] == fresh[header], header
    assert "Cookie" in copy["Vary"]


def test_a_copy_is_kept_per_host_and_a_host_the_site_does_not_answer_to_is_refused(client, cached, published, settings):
    """The Atom feed's links come from the host it is asked on: a copy made for one host is not served on
    another, and a copy is never a way round ALLOWED_HOSTS."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    rnd, _seat, _checkin = published
    path = reverse("outcomes:learning-atom", args=[rnd.programme.slug])
    assert "http://localhost/" in client.get(path, HTTP_HOST="localhost").content.decode()
    assert "http://localhost/" not in client.get(path, HTTP_HOST="127.0.0.1").content.decode()
    assert client.get(path, HTTP_HOST="evil.example").status_code == 400
