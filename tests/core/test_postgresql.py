"""The PostgreSQL backend's health check: no round trip while a connection is busy and well, else Django's."""

import os
import resource
import select
import socket
import struct
import threading
import time

import psycopg
import pytest
from django.db import DataError, connection, transaction

from tests.factories import PersonFactory
from unmentoring.accounts.models import Person
from unmentoring.core.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the check is PostgreSQL's backend's")


def server():
    """A connection of its own, beside Django's, to watch and to end Django's."""
    settings = connection.settings_dict
    return psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or None,
                           port=settings["PORT"] or None, password=settings["PASSWORD"] or None, autocommit=True)


def last_asked(wrapper=connection):
    """The last statement the server was asked on that connection."""
    with server() as watcher:
        return watcher.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                               [wrapper.connection.info.backend_pid]).fetchone()[0]


def waiting(raw, seconds=10):
    """Wait until the server has sent Django's connection something; whether it did."""
    readable, _, _ = select.select([raw.fileno()], [], [], seconds)
    return bool(readable)


def asked_for(wrapper=connection, marker="the last thing asked"):
    with wrapper.cursor() as cursor:
        cursor.execute(f"SELECT '{marker}'")


@pytest.mark.django_db
def test_a_busy_well_connection_is_found_usable_without_asking_the_server():
    asked_for()
    assert connection.is_usable()
    assert last_asked() == "SELECT 'the last thing asked'"  # no SELECT 1 since


@pytest.mark.django_db
def test_a_connection_quiet_for_a_while_is_asked():
    asked_for()
    time.sleep(DatabaseWrapper.quiet_after + 0.1)
    assert connection.is_usable()
    assert last_asked() == "SELECT 1"


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
    assert connection.is_usable()
    assert last_asked() == "SELECT 1"  # it asked, was answered, and the same connection goes on
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")
    assert connection.connection.info.backend_pid == pid
    assert not waiting(connection.connection, 0)


@pytest.mark.django_db(transaction=True)
def test_a_connection_in_a_failed_transaction_is_asked_and_found_unusable_as_django_finds_it():
    with transaction.atomic():
        with pytest.raises(DataError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")  # the transaction has failed; the connection was used just now
        assert not connection.is_usable()
        connection.needs_rollback = True


@pytest.mark.django_db(transaction=True)
def test_a_connection_on_a_descriptor_numbered_over_1024_is_checked_like_any_other():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if max(soft, hard) < 1200:
        pytest.skip("this process may not open 1,200 files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        connection.close()
        asked_for()
        assert connection.connection.fileno() >= 1024  # beyond what select.select can watch
        pid = connection.connection.info.backend_pid
        assert connection.is_usable()  # not taken as broken (which would reconnect on every request)
        assert last_asked() == "SELECT 'the last thing asked'"
        assert connection.connection.info.backend_pid == pid
    finally:
        connection.close()
        for descriptor in held:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class ForgetfulNetwork:
    """A TCP relay to PostgreSQL that can lose its connections without a word, as a failover that moves
    the server's address does: the server's side is cut, and the client's next packet is answered with a
    reset. New connections go through as before."""

    def __init__(self, port):
        self.upstream = ("127.0.0.1", int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.links = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            link = {"client": client, "server": socket.create_connection(self.upstream), "lost": False}
            self.links.append(link)
            for source, target in (("client", "server"), ("server", "client")):
                threading.Thread(target=self._pump, args=(link, source, target), daemon=True).start()

    def _pump(self, link, source, target):
        try:
            while data := link[source].recv(65536):
                if link["lost"]:
                    if source == "client":  # a host that has forgotten this connection: reset
                        _reset(link["client"])
                    return
                link[target].sendall(data)
        except OSError:
            return

    def lose_everything(self):
        for link in self.links:
            if not link["lost"]:
                link["lost"] = True
                _reset(link["server"])

    def close(self):
        self.listener.close()
        for link in self.links:
            for end in ("client", "server"):
                _shut(link[end])


def _shut(sock):
    """Close a socket that another thread may be reading (close alone would not end the connection then)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected any more
    sock.close()


def _reset(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    _shut(sock)


@pytest.mark.django_db(transaction=True)
def test_after_a_quiet_spell_a_connection_lost_without_a_word_is_replaced_before_a_request_uses_it():
    network = ForgetfulNetwork(connection.settings_dict["PORT"] or 5432)
    relayed = DatabaseWrapper({**connection.settings_dict, "HOST": "127.0.0.1", "PORT": network.port}, "relayed")
    pids = []
    try:
        asked_for(relayed, "before")
        pids.append(relayed.connection.info.backend_pid)
        network.lose_everything()
        time.sleep(DatabaseWrapper.quiet_after + 0.1)
        assert not waiting(relayed.connection, 0)  # nothing came: only asking can tell
        relayed.close_if_unusable_or_obsolete()  # the start of a request
        asked_for(relayed, "the first of a request")  # no error: the check asked, was reset, connected afresh
        pids.append(relayed.connection.info.backend_pid)
        assert pids[1] != pids[0]
    finally:
        relayed.close()
        network.close()
        with server() as watcher:  # the server ends both sessions once it sees their sockets go
            for _ in range(100):
                if not watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)",
                                       [pids]).fetchone()[0]:
                    break
                time.sleep(0.1)
