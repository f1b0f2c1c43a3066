import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from unmentoring.core.supervisor import Supervisor


class Command(BaseCommand):
    help = ("Serve the web app (gunicorn), the task worker and the scheduler together, starting again any that stops. "
            "Ctrl-C (or SIGTERM) stops them all.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PORT)
        concurrency = os.environ.get("WEB_CONCURRENCY", "2")
        parser.add_argument("--workers", type=int, default=int(concurrency) if concurrency.isdigit() else 2,
                            help="web worker processes (default: WEB_CONCURRENCY or 2)")
        parser.add_argument("--task-workers", type=int, default=1, metavar="N",
                            help="task worker processes beside the web ones (default 1; more on PostgreSQL)")
        parser.add_argument("--tick-every", type=int, default=60, metavar="SECONDS")

    def handle(self, *args, host, port, workers, task_workers, tick_every, **options):
        if workers < 1 or task_workers < 1 or tick_every < 1 or not 0 < port < 65536:
            self.stderr.write("--workers, --task-workers and --tick-every must be at least 1, --port 1 to 65535")
            sys.exit(2)

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("The database is not up to date: run `unmentoring migrate` first (`make run` does).")
            sys.exit(2)
        connection.close()  # the children open their own
        python = sys.executable
        commands = {
            # gunicorn_conf: the access log redacts tokens in paths and leaves out query strings.
            "web": [python, "-m", "gunicorn", "-c", "python:unmentoring.gunicorn_conf", "unmentoring.wsgi:application",
                    "--bind", f"{host}:{port}", "--workers", str(workers)],
            # Several workers are safe: each claims a task, and delivery claims each message (README).
            **{("worker" if task_workers == 1 else f"worker {n}"): [python, "-m", "unmentoring", "worker", "--interval", "1"]
               for n in range(1, task_workers + 1)},
            "scheduler": [python, "-m", "unmentoring", "tick", "--loop", str(tick_every)],
        }
        workers_said = "worker" if task_workers == 1 else f"{task_workers} workers"
        self.stdout.write(f"Unmentoring is running on http://{host}:{port}/ (web, {workers_said}, scheduler). "
                          "Press Ctrl-C to stop.")
        self.stdout.flush()
        sys.exit(Supervisor(commands, log=lambda line: (self.stderr.write(line), self.stderr.flush())).run())
