"""Periodic jobs, declared by the app that owns them and run by ``unmentoring tick``.

Each app with periodic work has a ``jobs.py`` that registers its jobs::

    @periodic_job("rounds.advance")
    def advance(now: datetime) -> int: ...

Every job is idempotent and safe to run late, twice or on two machines at once
(docs/design.md §4). ``tick`` finds the jobs at start-up through Django's
``autodiscover_modules("jobs")`` (see ``CoreConfig.ready``), so it never names
an app. Jobs run in ``order`` (lower first; ties in registration order): the
delivery of mail runs last, so a draw's intros go out in the same tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

Job = Callable[[datetime], int]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Job
    order: int


_jobs: dict[str, PeriodicJob] = {}


def periodic_job(name: str, *, order: int = 50) -> Callable[[Job], Job]:
    """Register ``run(now) -> count`` under a stable name (it appears in logs and in tick's output)."""

    def register(run: Job) -> Job:
        if name in _jobs and _jobs[name].run is not run:
            raise ValueError(f"A periodic job named {name!r} is registered twice")
        _jobs[name] = PeriodicJob(name=name, run=run, order=order)
        return run

    return register


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.order)  # sorted() is stable


def tick(*, now: datetime | None = None) -> dict[str, int]:
    """Run every job for ``now``; returns how many things each touched (-1: it failed and is retried next tick)."""
    now = now or timezone.now()
    results = {}
    for job in periodic_jobs():
        try:
            results[job.name] = job.run(now)
        except Exception:  # one failing job must not stop the others
            logger.exception("Periodic job %s failed", job.name)
            results[job.name] = -1
    return results


# Finished background tasks hold their arguments (a sign-in task holds the address typed): kept a day.
TASK_RESULTS_KEPT = timedelta(days=1)


@periodic_job("tasks.prune_finished")
def prune_finished_tasks(now: datetime) -> int:
    finished = DBTaskResult.objects.filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
                                           finished_at__lt=now - TASK_RESULTS_KEPT)
    deleted, _ = finished.delete()
    return deleted
