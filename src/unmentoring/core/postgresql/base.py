"""PostgreSQL with a cheaper health check (decision 0018).

With ``CONN_HEALTH_CHECKS`` Django asks a kept connection ``SELECT 1`` at the
start of every request that uses the database, before the request's first
query: a round trip to the server, and its cost on both sides, on every page.

A connection the server has ended (a restart, ``pg_terminate_backend``, an
idle timeout) has something waiting to be read: the server's last message
and the end of the stream. So a connection that was used in the last second,
that libpq counts good, that is idle (or in a transaction that has not
failed) and that has nothing waiting, is taken as usable without a query.
Any other is asked ``SELECT 1`` as Django would, and replaced if that fails.

Why "used in the last second": a host that has lost a connection without a
word (a failover that moved the server's address, a host that crashed and
came back, a NAT that forgot the flow) sends nothing, but answers the next
packet with a reset, which only asking finds. A connection quiet for longer
is asked, so a quiet site never shows that to a member; a busy one could,
once for each process whose connection was in use in the second before such
a loss (the decision says more).
"""

from __future__ import annotations

import math
import select
import time

from django.db.backends.postgresql import base
from psycopg import pq

_SETTLED = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    quiet_after = 1.0  # seconds unused after which the check asks the server
    _used_at = -math.inf

    def create_cursor(self, name=None):
        self._used_at = time.monotonic()
        return super().create_cursor(name)

    def is_usable(self):
        raw = self.connection
        if raw is None or raw.pgconn.status != pq.ConnStatus.OK:
            return False
        if (time.monotonic() - self._used_at <= self.quiet_after
                and raw.info.transaction_status in _SETTLED and not _waiting(raw)):
            return True  # in use a moment ago, and the server has said nothing since
        usable = super().is_usable()
        if usable:
            self._used_at = time.monotonic()
        return usable


def _waiting(raw) -> bool:
    """Whether the server has sent anything (or the socket has closed, or failed) since its last answer."""
    poller = select.poll()  # not select.select, which cannot watch a descriptor numbered 1024 or more
    try:
        poller.register(raw.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))  # POLLHUP and POLLERR come whether asked for or not
    except (OSError, ValueError):
        return True  # unsure: ask the server
