"""Faults, for real: a worker killed with SIGKILL under `serve`, SQLite's write lock held by another process.

Each test runs the real commands in subprocesses against a SQLite file of its own ("database is locked" is
SQLite's way of saying a writer waited too long), whatever database the rest of the suite uses.
"""

import http.cookiejar
import os
import re
import signal
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.core.processes import Stack, children_of, wait_until


@pytest.fixture
def stack(tmp_path):
    return Stack(tmp_path, SQLITE_BUSY_TIMEOUT="0.5")


def test_serve_starts_a_new_worker_when_one_is_killed_and_the_new_one_serves_the_queue(stack, tmp_path):
    log = tmp_path / "serve.log"
    serve = stack.start("serve", "--port", str(stack.port), "--workers", "1", "--tick-every", "3600", log=log)
    try:
        stack.wait_for_web()
        worker = wait_until(lambda: next((pid for pid, cmd in children_of(serve.pid).items() if " worker " in cmd + " "), None),
                            30, "the worker to start")
        stack.enqueue_delivery()
        wait_until(lambda: stack.task_statuses() == ["SUCCESSFUL"], 30, "the first worker to run a task")

        os.kill(worker, signal.SIGKILL)

        wait_until(lambda: "worker exited with code -9; starting it again" in log.read_text(), 30, "serve to notice")
        replacement = wait_until(
            lambda: next((pid for pid, cmd in children_of(serve.pid).items() if " worker " in cmd + " " and pid != worker), None),
            30, "a new worker")
        assert replacement != worker
        stack.enqueue_delivery()
        wait_until(lambda: stack.task_statuses() == ["SUCCESSFUL", "SUCCESSFUL"], 30, "the new worker to run a task")
        assert serve.poll() is None  # serve, the web and the scheduler kept running all along
    finally:
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    assert children_of(serve.pid) == {}


def test_the_worker_outlasts_a_write_lock_held_longer_than_its_busy_timeout(stack, tmp_path):
    log = tmp_path / "worker.log"
    worker = stack.start("worker", "--interval", "0.2", "--no-startup-delay", log=log)
    try:
        time.sleep(2)  # running, polling the queue
        with stack.write_lock():
            time.sleep(4)  # eight busy timeouts
            assert worker.poll() is None, log.read_text()
        assert "The database is locked" in log.read_text()
        stack.enqueue_delivery()
        wait_until(lambda: stack.task_statuses() == ["SUCCESSFUL"], 60, "the worker to run a task after the lock")
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def test_a_web_request_that_cannot_get_the_write_lock_is_told_to_retry_and_writes_nothing(stack, tmp_path):
    log = tmp_path / "serve.log"
    serve = stack.start("serve", "--port", str(stack.port), "--workers", "1", "--tick-every", "3600", log=log)
    try:
        stack.wait_for_web()
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        form = browser.open(stack.url("/sign-in/")).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "ada@example.org"}).encode()

        with stack.write_lock():
            with pytest.raises(urllib.error.HTTPError) as busy:
                browser.open(urllib.request.Request(stack.url("/sign-in/"), data=data, headers={"Referer": stack.url("/sign-in/")}))
        assert busy.value.code == 503
        assert busy.value.headers["Retry-After"] == "30"
        assert "Sorry, the service is busy" in busy.value.read().decode()

        with sqlite3.connect(stack.db) as db:
            assert db.execute("SELECT COUNT(*) FROM accounts_linkrequest").fetchone() == (0,)
        response = browser.open(urllib.request.Request(stack.url("/sign-in/"), data=data, headers={"Referer": stack.url("/sign-in/")}))
        assert response.url.endswith("/sign-in/check-your-email/")
        with sqlite3.connect(stack.db) as db:
            assert db.execute("SELECT COUNT(*) FROM accounts_linkrequest").fetchone() == (1,)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)


def test_serve_runs_as_many_task_workers_as_asked(stack, tmp_path):
    log = tmp_path / "serve.log"
    serve = stack.start("serve", "--port", str(stack.port), "--workers", "1", "--task-workers", "3",
                        "--tick-every", "3600", log=log)
    try:
        stack.wait_for_web()
        wait_until(lambda: sum(" worker " in cmd + " " for cmd in children_of(serve.pid).values()) == 3, 30,
                   "three workers to start")
        stack.enqueue_delivery()
        wait_until(lambda: stack.task_statuses() == ["SUCCESSFUL"], 30, "one of them to run the task")
    finally:
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    assert children_of(serve.pid) == {}
