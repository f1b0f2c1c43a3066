"""The kill drill: intros delivered by two workers on PostgreSQL while one of them is killed with SIGKILL
twice and restarted. Nothing may be lost, and no more may arrive twice than were in flight.

    .venv/bin/python benchmarks/rounds/kill_drill.py \\
        --database-url postgres://postgres@127.0.0.1:5432/unmentoring_bench_drill

Builds a dedicated database (created, migrated, dropped at the end unless
--keep) with a drawn round of N members (N intros queued, 20,000 by default),
starts an SMTP server on 127.0.0.1 that records every Message-ID, and two
worker processes (``benchmarks/rounds/delivery.py --worker``). When a quarter
and then three fifths of the intros are marked sent, worker A is killed with
SIGKILL and started again. The workers stop when nothing is queued; a killed
worker's claim (at most a batch) waits for its lease to run out, a minute.
The drill fails (exit status 1) if any intro did not arrive, if more arrived
twice than the kills (one message in flight each), or if anything is not
marked sent.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

import benchdb
from delivery import build, start_smtp_server, start_worker, stop_smtp_server

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/unmentoring_bench_drill"
KILL_AT = (0.25, 0.60)


def go(process) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--messages", type=int, default=20_000, help="members drawn, so intros queued (default 20000)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    url = args.database_url
    benchdb.create(url)
    benchdb.configure(url)
    from django.db import connection

    from unmentoring.notifications.models import Message

    server, port = start_smtp_server()
    workers = []
    try:
        benchdb.migrate()
        build(args.messages)
        queued = Message.objects.filter(status="queued").count()
        connection.close()
        workers = [start_worker(url, port), start_worker(url, port)]
        start = time.perf_counter()
        for worker in workers:
            go(worker)
        kills = []
        for share in KILL_AT:
            while Message.objects.filter(status="sent").count() < share * queued:
                time.sleep(0.2)
            victim = workers[0]
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            sent_at_kill = Message.objects.filter(status="sent").count()
            kills.append((time.perf_counter() - start, sent_at_kill))
            print(f"killed worker A at {kills[-1][0]:.1f} s with {sent_at_kill:,} of {queued:,} marked sent; "
                  "started it again", flush=True)
            workers[0] = start_worker(url, port)
            go(workers[0])
        delivered = [int(worker.communicate(timeout=3600)[0]) for worker in workers]
        total = time.perf_counter() - start
        received, distinct, _ = stop_smtp_server(server)
        sent = Message.objects.filter(status="sent").count()
        duplicates = received - distinct
        print()
        print(benchdb.table([
            ("database", f"{connection.vendor} ({url.rsplit('@', 1)[-1] if '@' in url else url})"),
            ("intros queued", f"{queued:,}"),
            ("kills (SIGKILL to worker A, then restarted)", ", ".join(f"at {t:.1f} s ({n:,} sent)" for t, n in kills)),
            ("received by the SMTP server / distinct Message-IDs", f"{received:,} / {distinct:,}"),
            ("arrived twice (at most one in flight per kill)", f"{duplicates} (bound {len(kills)})"),
            ("marked sent", f"{sent:,}"),
            ("delivered by the last worker A / worker B", " / ".join(f"{n:,}" for n in delivered)),
            ("wall time, s (includes waiting out the killed worker's leases)", f"{total:.1f}"),
            ("throughput, intros/s", f"{distinct / total:.1f}"),
        ], ("", "value")))
        if distinct != queued or sent != queued or duplicates > len(kills):
            sys.exit(f"DRILL FAILED: queued {queued}, arrived {distinct} distinct ({duplicates} twice), sent {sent}")
    finally:
        benchdb.finish(url, keep=args.keep, processes=[*workers, server])


if __name__ == "__main__":
    main()
