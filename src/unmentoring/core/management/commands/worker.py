"""`unmentoring worker`: django-tasks-db's worker, made to outlast a locked database.

On SQLite a writer waits SQLITE_BUSY_TIMEOUT seconds for the lock, then gets "database is locked". The
library's worker ignores that only while it picks a task; anywhere else (starting the transaction,
recording a result) it crashed. This one logs it, waits (1, 2, 4 … 30 seconds) and carries on.
"""

import logging
import time

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("unmentoring.worker")

MAX_WAIT = 30


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        wait = 1
        while self.running:
            try:
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("The database is locked (%s); the worker tries again in %s s.", error, wait)
                close_old_connections()
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
                self.startup_delay = False


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
