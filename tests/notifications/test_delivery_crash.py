"""Delivery is at least once: a worker killed with SIGKILL mid-batch loses nothing and sends again at most
the message that was in flight, with the same Message-ID (so a receiving system can drop the copy)."""

import asyncio
import signal
import sqlite3
import sys
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from tests.core.processes import Stack, free_port, wait_until

QUEUE = """
from unmentoring.notifications.services import Outgoing, messages_queue
messages_queue([Outgoing(template="already_member", to_email=f"person{n}@example.org", idempotency_key=f"drill:{n}",
                         context={"name": f"Person {n}", "programme_name": "Coffee", "link": "http://x/"}) for n in range({count})])
"""


class SlowRecorder:
    """An SMTP server that takes a while over each message, so that a kill lands mid-batch."""

    def __init__(self):
        self.message_ids = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        text = envelope.original_content.decode()
        message_id = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("message-id:"))
        with self.lock:
            self.message_ids.append(message_id)
        return "250 OK"


@pytest.mark.subprocess
def test_a_worker_killed_mid_batch_loses_nothing_and_resends_at_most_the_message_in_flight(tmp_path):
    recorder = SlowRecorder()
    port = free_port()
    smtp = Controller(recorder, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        stack = Stack(tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{port}")
        count = 60
        stack.run("shell", "--no-imports", "-c", QUEUE.replace("{count}", str(count)))
        log = tmp_path / "tick.log"
        for _kill in range(2):
            before = len(recorder.message_ids)
            worker = stack.start("tick", log=log)
            wait_until(lambda: len(recorder.message_ids) >= before + 10, 60, "some mail to arrive")  # noqa: B023
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        # The restarted worker, once the killed one's lease on its last message has run out (a minute).
        later = (timezone.now() + timedelta(minutes=2)).isoformat()
        stack.run("tick", "--now", later)

        received = list(recorder.message_ids)
        assert len(set(received)) == count  # every message arrived
        assert len(received) - count <= 2  # at most one in flight per kill was sent twice
        with sqlite3.connect(stack.db) as db:
            assert db.execute("SELECT status, COUNT(*) FROM notifications_message GROUP BY status").fetchall() == [("sent", count)]
        print(f"{count} messages, {len(received) - count} sent twice after 2 kills", file=sys.stderr)
    finally:
        smtp.stop()
