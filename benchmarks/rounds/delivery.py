"""Delivery throughput: intros delivered per second to a local SMTP server through the outbox.

    .venv/bin/python benchmarks/rounds/delivery.py --database-url sqlite:////tmp/unmentoring-bench-delivery.sqlite3
    .venv/bin/python benchmarks/rounds/delivery.py \\
        --database-url postgres://postgres@127.0.0.1:5432/unmentoring_bench_delivery

Builds a dedicated database (created, migrated, dropped at the end unless
--keep) with one programme of N members, schedules and draws a round with
the real services (so N intros are queued, rendered at delivery, each with
an .ics attachment), then times ``messages_deliver_due()`` with Django's
SMTP backend against aiosmtpd on 127.0.0.1, the way the tests' SmtpServer
does. The SMTP server runs in its own process so that it does not share the
delivering process's interpreter.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import benchdb

DEFAULT_URL = "sqlite:////tmp/unmentoring-bench-delivery.sqlite3"


# --- The SMTP server process ----------------------------------------------------


def smtp_server(port: int) -> None:
    """Accept mail on 127.0.0.1:port until stdin closes, then print how much arrived: messages, distinct
    Message-IDs, bytes."""
    from aiosmtpd.controller import Controller

    class Counting:
        messages, size, ids = 0, 0, set()

        async def handle_DATA(self, server, session, envelope):
            Counting.messages += 1
            Counting.size += len(envelope.original_content or b"")
            head = (envelope.original_content or b"").split(b"\r\n\r\n", 1)[0]
            Counting.ids.update(line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
                                if line.lower().startswith(b"message-id:"))
            return "250 Message accepted for delivery"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(f"{Counting.messages} {len(Counting.ids)} {Counting.size}", flush=True)


def start_smtp_server() -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--smtp-server", str(port)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    return server, port


def stop_smtp_server(server: subprocess.Popen) -> tuple[int, int, int]:
    """Messages received, distinct Message-IDs, bytes."""
    out, _ = server.communicate("", timeout=60)
    received, distinct, size = map(int, out.split())
    return received, distinct, size


def use_smtp(port: int) -> None:
    from django.conf import settings

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 20}}}


def worker(url: str, port: int) -> None:
    """A delivery worker in its own process: on a line from stdin, deliver until nothing is queued."""
    benchdb.configure(url)
    use_smtp(port)
    from unmentoring.notifications.models import Message
    from unmentoring.notifications.services import messages_deliver_due

    print("ready", flush=True)
    sys.stdin.readline()
    delivered = 0
    while True:
        delivered += messages_deliver_due()
        if not Message.objects.filter(status="queued").exists():
            break
        time.sleep(0.5)  # what is left is leased by another worker (or a killed one, until its lease runs out)
    print(delivered, flush=True)


def start_worker(url: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", "--database-url", url,
                                "--smtp-port", str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process


def deliver_with_workers(url: str, port: int, workers: int) -> tuple[float, list[int]]:
    """Wall time for ``workers`` processes to deliver everything queued, and what each delivered."""
    processes = [start_worker(url, port) for _ in range(workers)]
    start = time.perf_counter()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    counts = [int(process.communicate(timeout=3600)[0]) for process in processes]
    return time.perf_counter() - start, counts


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The instance ----------------------------------------------------------------


def build(members: int) -> int:
    """A programme of N members, its first round drawn: N intros queued. Returns the round id."""
    from django.utils import timezone

    from unmentoring.accounts.models import Person
    from unmentoring.programmes.models import Membership, Programme
    from unmentoring.rounds.services.lifecycle import round_draw, round_schedule_next

    stamp = timezone.now()
    programme = Programme.objects.create(name="Benchmark Coffee", slug="benchmark-coffee",
                                         summary="Meet someone new every month.", cadence="monthly")
    people = Person.objects.bulk_create(
        [Person(email=f"member{i}@bench.example.org", full_name=f"Member {i}", email_confirmed_at=stamp, password="!unusable")
         for i in range(members)],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(person=p, programme=programme, organisation=f"Organisation {i % 40}", role="Service designer",
                    phone="+447911123123", video_kind="teams" if i % 2 else "", video_handle="" if i % 2 == 0 else p.email,
                    happy_to_talk_about="Working in the open", rules_agreed_at=stamp, sharing_agreed_at=stamp,
                    confirmed_at=stamp)
         for i, p in enumerate(people)],
        batch_size=2000,
    )
    rnd = round_schedule_next(programme=programme, now=stamp)
    return round_draw(round_id=rnd.pk, now=rnd.draw_at).pk


# --- The timed delivery ----------------------------------------------------------------


CLAIM = "claim a batch (select for update skip locked, lease)"
LOAD = "load a batch's seats and groups (intro loader)"
RENDER = "render (three templates, .ics)"
BUILD = "build EmailMultiAlternatives"
SEND = "SMTP send (one session a batch)"
STORE = "mark sent (one UPDATE, commit)"
STEPS = [CLAIM, LOAD, RENDER, BUILD, SEND, STORE]


def deliver(port: int) -> dict:
    from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
    from django.db import connection

    import unmentoring.notifications.services as services
    from unmentoring.notifications.models import Message

    use_smtp(port)
    timings: dict[str, float] = defaultdict(float)

    def timed(owner, name, label):
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                timings[label] += time.perf_counter() - start

        setattr(owner, name, wrapper)

    timed(services, "_claim_batch", CLAIM)
    timed(services, "_prepared_for", LOAD)
    timed(services, "message_render", RENDER)
    timed(services, "build_email", BUILD)
    timed(SmtpBackend, "send_messages", SEND)
    timed(services, "_store", STORE)

    queries = {"n": 0, "s": 0.0}

    def count(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries["n"] += 1
            queries["s"] += time.perf_counter() - start

    queued = Message.objects.filter(status="queued").count()
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        delivered = services.messages_deliver_due()
        total = time.perf_counter() - start
    return {"queued": queued, "delivered": delivered, "total": total, "timings": dict(timings),
            "queries": queries["n"], "query_s": queries["s"],
            "sent": Message.objects.filter(status="sent").count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--messages", type=int, default=2000, help="members drawn, so intros queued (default 2000)")
    parser.add_argument("--workers", type=int, default=0,
                        help="deliver with this many worker processes (default: in this process, timing each step)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--smtp-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp_server:
        smtp_server(args.smtp_server)
        return
    if args.worker:
        worker(args.database_url, args.smtp_port)
        return
    url = args.database_url
    benchdb.create(url)
    benchdb.configure(url)
    from django.db import connection

    from unmentoring.notifications.models import Message

    server, port = start_smtp_server()
    try:
        benchdb.migrate()
        start = time.perf_counter()
        build(args.messages)
        built = time.perf_counter() - start
        queued = Message.objects.filter(status="queued").count()
        connection.close()  # the workers start on a quiet database
        if args.workers:
            total, counts = deliver_with_workers(url, port, args.workers)
            n = sum(counts)
            result = {}
            how = f"{args.workers} worker process{'es' if args.workers > 1 else ''} (delivered {' + '.join(map(str, counts))})"
        else:
            result = deliver(port)
            total, n = result["total"], result["delivered"]
            how = "messages_deliver_due() in this process"
        received, distinct, size = stop_smtp_server(server)
        sent = Message.objects.filter(status="sent").count()
        print()
        rows = [
            ("database", f"{connection.vendor} ({url.rsplit('@', 1)[-1] if '@' in url else url})"),
            ("intros queued by the draw (build + draw, s)", f"{queued:,} ({built:.1f})"),
            ("delivered by", how),
            ("delivered / received by the SMTP server / distinct Message-IDs", f"{n:,} / {received:,} / {distinct:,}"),
            ("mean message size, KiB", f"{size / max(received, 1) / 1024:.1f}"),
            ("wall time, s", f"{total:.2f}"),
            ("throughput, messages/s", f"{n / total:.1f}"),
        ]
        if result:
            rows += [("SQL statements per message (time in execute per message, ms)",
                      f"{result['queries'] / n:.1f} ({1000 * result['query_s'] / n:.2f})"),
                     ("peak RSS, MiB", f"{benchdb.peak_rss_mib():.0f}")]
        print(benchdb.table(rows, ("", "value")))
        if result:
            print()
            parts = result["timings"]
            steps = [(label, f"{1000 * parts[label] / n:.2f}", f"{100 * parts[label] / total:.0f}%") for label in STEPS]
            rest = total - sum(parts[label] for label in STEPS)
            steps += [("rest (pick batches, loop)", f"{1000 * rest / n:.2f}", f"{100 * rest / total:.0f}%"),
                      ("per message", f"{1000 * total / n:.2f}", "100%")]
            print(benchdb.table(steps, ("step", "ms per message", "share")))
        if not (received == distinct == n == sent == queued):
            sys.exit(f"MISMATCH: queued {queued}, delivered {n}, received {received} ({distinct} distinct), "
                     f"marked sent {sent}")
    finally:
        benchdb.finish(url, keep=args.keep, processes=[server])


if __name__ == "__main__":
    main()
