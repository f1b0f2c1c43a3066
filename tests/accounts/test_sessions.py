"""Who is signed in, read with kept queries (core.sessions, accounts.backends): exactly as Django decides."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from unmentoring.accounts.backends import _person
from unmentoring.core.sessions import SessionStore, _session

ACCOUNT = "/account/"


def signed_in_page(client) -> bool:
    response = client.get(ACCOUNT)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def session_for(person, backend="unmentoring.accounts.backends.PersonBackend") -> str:
    session = SessionStore()
    session.update({SESSION_KEY: str(person.pk), BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: person.get_session_auth_hash()})
    session.create()
    return session.session_key


@pytest.mark.django_db
def test_a_session_signs_its_person_in_until_it_expires(client):
    person = PersonFactory()
    client.cookies["sessionid"] = session_for(person)
    assert signed_in_page(client)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not signed_in_page(client)
    assert client.get(ACCOUNT).url.startswith(reverse("accounts:sign-in"))


@pytest.mark.django_db
def test_an_unknown_session_key_is_nobody_and_a_new_session_is_made_in_its_place(client):
    client.cookies["sessionid"] = "x" * 32
    assert not signed_in_page(client)
    client.cookies["sessionid"] = "'; DROP TABLE django_session; --"
    assert not signed_in_page(client)
    assert Session.objects.filter(session_key__startswith="x").count() == 0


@pytest.mark.django_db
def test_a_person_made_inactive_or_erased_is_signed_out(client):
    person = PersonFactory()
    client.cookies["sessionid"] = session_for(person)
    assert signed_in_page(client)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert not signed_in_page(client)
    other = PersonFactory()
    client.cookies["sessionid"] = session_for(other)
    assert signed_in_page(client)
    other.delete()
    assert not signed_in_page(client)


@pytest.mark.django_db
def test_a_session_made_with_the_earlier_backend_still_signs_in(client):
    client.cookies["sessionid"] = session_for(PersonFactory(), backend="sesame.backends.ModelBackend")
    assert signed_in_page(client)


@pytest.mark.django_db
def test_a_new_password_hash_still_signs_the_session_out(client):
    person = PersonFactory()
    client.cookies["sessionid"] = session_for(person)
    assert signed_in_page(client)
    person.set_password("a new one, elsewhere")
    person.save(update_fields=["password"])
    assert not signed_in_page(client)


@pytest.mark.django_db
def test_the_session_and_the_person_are_read_with_kept_queries(client):
    client.cookies["sessionid"] = session_for(PersonFactory())
    assert signed_in_page(client)
    assert _session.compiled(session_key="any") and _person.compiled(person_id=1)
