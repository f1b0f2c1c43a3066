"""Sessions in the database, as Django keeps them, read with a kept query (unmentoring.core.kept).

Every signed-in request reads its session. Django asks for the key and an
expiry after now, a value that differs on every call; this asks for the key
alone and compares the expiry here, so the query can be compiled once. An
expired session is treated exactly as Django treats it: as no session
(``clearsessions`` still deletes them).
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from unmentoring.core.kept import kept_query


@kept_query
def _session(*, session_key: str):
    return Session.objects.filter(session_key=session_key)[:1]


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if type(self.session_key) is not str:
            return super()._get_session_from_db()
        found = _session(session_key=self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
