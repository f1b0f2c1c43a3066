import email
import os
import socket
import sqlite3
import sys
import threading
from contextlib import contextmanager
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.db import connection, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory


def pytest_collection_modifyitems(config, items):
    """Under `make mutation` a subprocess would import the mutated code without mutmut's harness: skip those."""
    if os.environ.get("MUTANT_UNDER_TEST") or "mutmut" in sys.modules:
        skip = pytest.mark.skip(reason="runs a subprocess, which mutation testing cannot follow")
        for item in items:
            if item.get_closest_marker("subprocess"):
                item.add_marker(skip)


def at_once(times: int, action):
    """Run ``action`` in ``times`` threads released together (each with its own database connection);
    returns what each returned, or the exception it raised."""
    barrier = threading.Barrier(times)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # returned for the test to look at
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_tasks() -> None:
    """Run every task waiting in the database queue, here and now, as `unmentoring worker` would.

    Task by task through the worker's own run_task, inside the test's transaction (the worker's loop would
    close the database connection between tasks).
    """
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="tests", excluded_queue_names=[])
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (kept forms, public pages' copies, the figures)."""
    cache.clear()


@pytest.fixture
def few_parameters(db):
    """``with few_parameters(cap):`` SQLite takes at most ``cap`` parameters a query inside the block.

    A 100,000-member list meets the real caps (SQLite's 32,766 in a default build; PostgreSQL's 65,535 with
    server-side parameters); a lowered cap lets a test's few dozen members meet the same wall. Django reads
    SQLite's cap from the connection each time, so its batch sizes follow. SQLite only: PostgreSQL's cap
    cannot be lowered."""
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite's cap on a query's parameters can be lowered for a test")

    @contextmanager
    def lowered(cap: int):
        connection.ensure_connection()
        raw = connection.connection
        before = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, cap)
        assert connection.features.max_query_params == cap  # what Django's batches are cut to
        try:
            yield
        finally:
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)

    return lowered


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="LocalGov Coffee", slug="localgov-coffee")


@pytest.fixture
def member(programme):
    return MembershipFactory(programme=programme, person=PersonFactory(full_name="Ada Member", email="ada@example.org"))


@pytest.fixture
def signed_in(client, member):
    client.force_login(member.person)
    return member


@pytest.fixture
def weekly(db):
    """A weekly programme drawn on Tuesdays at 09:00, two-day notice, five-day window, two days to check in."""
    return ProgrammeFactory(name="Weekly Coffee", slug="weekly", cadence="weekly", weekday=1,
                            notice_days=2, window_days=5, checkin_days=2)


@pytest.fixture
def members(weekly):
    """Eight confirmed members in four organisations."""
    return [
        MembershipFactory(programme=weekly, organisation=f"Org {n % 4}",
                          person=PersonFactory(full_name=f"Member {n}", email=f"m{n}@example.org"))
        for n in range(8)
    ]


class RecordingHandler:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.envelopes = []
        self.peers = []  # the client address of each message's SMTP session

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server on loopback that can be started and stopped by a test."""

    def __init__(self, port: int):
        self.port = port
        self.handler = RecordingHandler()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return [email.message_from_bytes(e.original_content, policy=policy.default) for e in self.handler.envelopes]

    @property
    def mailer(self) -> dict:
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5}}}


@pytest.fixture
def smtp_server(settings):
    """Mail goes to a real SMTP server on 127.0.0.1 for this test."""
    server = SmtpServer(free_port())
    server.start()
    settings.MAILERS = server.mailer
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server(settings):
    """Mail is configured for an SMTP server that is not running until the test starts it."""
    server = SmtpServer(free_port())
    settings.MAILERS = server.mailer
    yield server
    server.stop()


@pytest.fixture
def organiser(client, weekly):
    """An organiser of the weekly programme, signed in."""
    person = PersonFactory(full_name="Olu Organiser")
    weekly.organisers.add(person)
    client.force_login(person)
    return person
