"""`unmentoring worker`: django-tasks-db's worker, made to outlast a locked database.

On SQLite a writer waits SQLITE_BUSY_TIMEOUT seconds for the lock, then gets "database is locked". The
library's worker ignores that only while it picks a task; anywhere else (starting the transaction,
recording a result) it crashed. This one logs it, waits (1, 2, 4 … 30 seconds, back to 1 once it has
run a minute without trouble) and carries on. A task whose result could not be recorded is put back in
the queue rather than left "running" for ever: it runs again, which our tasks allow (each is idempotent:
delivery claims each message, a second sign-in email is harmless).
"""

import logging
import time

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("unmentoring.worker")

MAX_WAIT = 30


HEALTHY_AFTER = 60


class ResilientWorker(db_worker.Worker):
    current: DBTaskResult | None = None

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = db_task_result
        super().run_task(db_task_result)
        self.current = None

    def run(self) -> None:
        wait = 1
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                if time.monotonic() - started >= HEALTHY_AFTER:
                    wait = 1
                logger.warning("The database is locked (%s); the worker tries again in %s s.", error, wait)
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
                self.startup_delay = False
                self._requeue_current()

    def _requeue_current(self) -> None:
        """The task that was running when the lock bit (its result unrecorded) goes back in the queue."""
        if self.current is None:
            return
        try:
            DBTaskResult.objects.filter(pk=self.current.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY)
            self.current = None
        except OperationalError as error:  # still locked: try again after the next wait
            if not is_locked_database_exception(error):
                raise


class Command(db_worker.Command):
    help = "Run the task worker (delivers mail). A locked database is waited out, never a crash."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, max_tasks, worker_id,
               exclude_queues, **options):
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
