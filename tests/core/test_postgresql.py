"""The PostgreSQL backend's health check: no round trip while a connection is well, a new one when it is not."""

import select

import psycopg
import pytest
from django.db import connection

from tests.factories import PersonFactory
from unmentoring.accounts.models import Person

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the check is PostgreSQL's backend's")


def server():
    """A connection of its own, beside Django's, to watch and to end Django's."""
    settings = connection.settings_dict
    return psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or None,
                           port=settings["PORT"] or None, password=settings["PASSWORD"] or None, autocommit=True)


def waiting(raw, seconds=10):
    """Wait until the server has sent Django's connection something; whether it did."""
    readable, _, _ = select.select([raw.fileno()], [], [], seconds)
    return bool(readable)


@pytest.mark.django_db
def test_a_well_connection_is_found_usable_without_asking_the_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last thing asked'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    with server() as watcher:
        last = watcher.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]
    assert last == "SELECT 'the last thing asked'"  # no SELECT 1 since


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it():
    PersonFactory.create_batch(2)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with server() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    assert waiting(connection.connection)  # its last word, and the end of the stream
    connection.health_check_done = False  # as at the start of each request (close_old_connections)
    assert Person.objects.count() == 2  # no error: the check saw it had ended and connected afresh
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_was_sent_something_harmless_is_asked_and_kept():
    with connection.cursor() as cursor:
        cursor.execute("LISTEN unmentoring_test")
    pid = connection.connection.info.backend_pid
    with server() as other:
        other.execute("NOTIFY unmentoring_test")
    assert waiting(connection.connection)
    assert connection.is_usable()  # SELECT 1 answered: the same connection goes on
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")
    assert connection.connection.info.backend_pid == pid
    assert not waiting(connection.connection, 0)
