"""PostgreSQL with a cheaper health check (decision 0018).

With ``CONN_HEALTH_CHECKS`` Django asks a kept connection ``SELECT 1`` at the
start of every request that uses the database, before the request's first
query: a round trip to the server, and its cost on both sides, on every page.
A connection the server has ended (a restart, ``pg_terminate_backend``, an
idle timeout, a failover that closed it) has something waiting to be read:
the server's last message and the end of the stream. So a connection with
nothing to read, open as far as libpq knows, is taken as usable without a
query; one with something to read gets Django's ``SELECT 1``, and is
replaced if that fails. A server that vanished without a word (a network cut)
is found by the request's own query failing, as ``SELECT 1`` would have found
it (after the same TCP timeout), and Django closes that connection after the
request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        raw = self.connection
        if raw is None or raw.closed or raw.broken or raw.pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            waiting, _, _ = select.select([raw.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not waiting:
            return True  # nothing from the server since its last answer: as it was
        return super().is_usable()  # the server said something (perhaps goodbye): ask it
