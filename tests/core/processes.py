"""Running the real commands in subprocesses against a database of their own, for fault tests."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """A SQLite file database, migrated, and the environment a production site would run the commands with."""

    def __init__(self, directory: Path, **env):
        self.db = directory / "faults.sqlite3"
        self.port = free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unmentoring.settings", "UNMENTORING_IGNORE_DEMO_ENV": "1",
                    "DATABASE_URL": f"sqlite:///{self.db}", "SITE_URL": f"http://127.0.0.1:{self.port}",
                    "SECRET_KEY": "fault-tests-" + "k" * 40, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1", **env}
        self.run("migrate", "--no-input", "-v", "0")

    def run(self, *args, timeout: float = 120) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "unmentoring", *args], env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        assert result.returncode == 0, result.stderr
        return result

    def start(self, *args, log: Path) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "unmentoring", *args], env=self.env,
                                stdout=log.open("w"), stderr=subprocess.STDOUT)

    def enqueue_delivery(self) -> None:
        self.run("shell", "--no-imports", "-c",
                 "from unmentoring.notifications.tasks import deliver_due_messages; deliver_due_messages.enqueue()")

    def task_statuses(self) -> list[str]:
        with sqlite3.connect(self.db, timeout=30) as db:
            return [row[0] for row in db.execute("SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")]

    @contextmanager
    def write_lock(self):
        """Hold SQLite's write lock (BEGIN IMMEDIATE), as a long transaction in another process would."""
        db = sqlite3.connect(self.db, isolation_level=None, timeout=30)
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            db.execute("ROLLBACK")
            db.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for_web(self, timeout: float = 60) -> None:
        wait_until(lambda: _answers(self.url("/")), timeout, "the web server to answer")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until(condition, timeout: float, what: str, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"Timed out waiting for {what}")


def children_of(pid: int) -> dict[int, str]:
    """The direct child processes of pid, with their command lines (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found
