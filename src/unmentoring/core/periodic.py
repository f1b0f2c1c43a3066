"""The periodic jobs: each idempotent, each safe to run late or twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger(__name__)


def _jobs() -> list[tuple[str, Callable[[datetime], int]]]:
    from unmentoring.accounts.services import link_requests_purge
    from unmentoring.notifications.services import messages_deliver_due
    from unmentoring.programmes.services import memberships_resume_due, signups_purge_unconfirmed
    from unmentoring.rounds.services import rounds_advance

    return [
        ("memberships.resume_due", lambda now: memberships_resume_due(now=now)),
        ("rounds.advance", lambda now: sum(rounds_advance(now=now).values())),
        ("signups.purge_unconfirmed", lambda now: signups_purge_unconfirmed(now=now)),
        ("link_requests.purge", lambda now: link_requests_purge(now=now)),
        ("messages.deliver_due", lambda now: messages_deliver_due(now=now)),
    ]


def tick(*, now: datetime | None = None) -> dict[str, int]:
    """Do whatever is due at ``now``; returns how many things each job touched."""
    now = now or timezone.now()
    results = {}
    for name, job in _jobs():
        try:
            results[name] = job(now)
        except Exception:  # one failing job must not stop the others; it is retried next tick
            logger.exception("Periodic job %s failed", name)
            results[name] = -1
    return results
