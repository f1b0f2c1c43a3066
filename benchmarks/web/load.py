"""The web under load: Locust against `unmentoring serve` on PostgreSQL with a 100,000-member programme.

    .venv/bin/pip install -e '.[bench]'      # Locust
    .venv/bin/python benchmarks/web/load.py --keep   # build (about 4 minutes), then each scenario: 50 users, 60 s
    .venv/bin/python benchmarks/web/load.py --reuse --scenarios mixed --soak 600   # then a 10-minute soak

Builds a dedicated PostgreSQL database (created, migrated, dropped at the end
unless --keep; --reuse takes a kept one as it is) with `unmentoring demo
--members N --rounds 12`, then draws its next round now (intros marked sent,
so no worker is busy with them), publishes a thousand learnings for the feed,
and prepares 500 of the round's members: a signed-in session and a check-in
link each (benchmarks/web/fixtures.json, with the key that signed them).
Serves the site with `unmentoring serve --workers W` on 127.0.0.1 (trusting
one proxy, as behind nginx), and runs Locust headless (benchmarks/web/
locustfile.py) for --time seconds at --users users, on loopback only, once
per scenario: "public" (the programme page, learning feed and Atom feed, read
by visitors), "members" (signed-in round and account pages, check-in GET and
POST, and a sign-in form and POST now and then), "mixed" (both). Prints
requests, throughput, median and 99th percentile and failures per page, and,
for the soak, the web processes' memory every minute.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rounds"))
import benchdb  # noqa: E402

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/unmentoring_bench_load"
FIXTURES = HERE / "fixtures.json"
WAIT = ["0.05,0.15"]  # set from --wait
PUBLIC = ("public: programme page", "public: learning feed", "public: Atom feed")
SIGNED_IN = ("signed in: round page", "signed in: account page", "check-in: GET", "check-in: POST", "check-in: sent",
             "sign-in: GET form", "sign-in: POST", "sign-in: check your email")
# Which users, with which of their tasks (tags), and in what proportion each scenario runs.
SCENARIOS = {
    "public": {"users": ["Visitor"], "tags": ["public"], "weights": {}},
    "members": {"users": ["Visitor", "Member"], "tags": ["member"],
                "weights": {"LOAD_VISITOR_WEIGHT": "1", "LOAD_MEMBER_WEIGHT": "9"}},
    "mixed": {"users": ["Visitor", "Member"], "tags": [], "weights": {"LOAD_VISITOR_WEIGHT": "1", "LOAD_MEMBER_WEIGHT": "1"}},
}


def environment(url: str, key: str, port: int) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": key, "SITE_URL": f"http://127.0.0.1:{port}",
            "TRUSTED_PROXY_COUNT": "1", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING", "DEMO_MODE": "0",
            "UNMENTORING_IGNORE_DEMO_ENV": "1"}


def prepare(members: int) -> dict:
    """Draw the next round now, publish learnings, and sign in 500 of the round's members."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from unmentoring.notifications.models import Message
    from unmentoring.programmes.models import Programme
    from unmentoring.rounds.enums import RoundState
    from unmentoring.rounds.links import CHECKIN
    from unmentoring.rounds.models import CheckIn, Round, Seat
    from unmentoring.rounds.services.lifecycle import round_draw

    programme = Programme.objects.get(slug="big-coffee")
    rnd = Round.objects.get(programme=programme, state=RoundState.SCHEDULED)
    start = time.perf_counter()
    round_draw(round_id=rnd.pk, now=max(timezone.now(), rnd.draw_at))
    print(f"drew round {rnd.number} of {members:,} members in {time.perf_counter() - start:.1f} s", flush=True)
    Message.objects.filter(status="queued").update(status="sent", sent_at=timezone.now())
    last_closed = Round.objects.filter(programme=programme, state=RoundState.CLOSED).order_by("-number").first()
    answered = CheckIn.objects.filter(seat__group__round=last_closed, met="yes").order_by("pk")
    publish = list(answered.values_list("pk", flat=True)[:1000])
    CheckIn.objects.filter(pk__in=publish[::2]).update(learned="Talking to someone outside my team showed me "
                                                       "how they run user research.", publish="named")
    CheckIn.objects.filter(pk__in=publish[1::2]).update(learned="Procurement is easier when you ask early.",
                                                        publish="anonymous")
    people = []
    seats = Seat.objects.filter(group__round=rnd).select_related("membership__person").order_by("?")[:500]
    for seat in seats:
        person = seat.membership.person
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "unmentoring.accounts.backends.PersonBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        people.append({"session": session.session_key, "email": person.email,
                       "checkin": f"/r/check-in/{CHECKIN.make(seat.pk)}/"})
    return {"slug": programme.slug, "round": rnd.number, "members": people, "people": members}


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer within {seconds:.0f} s")


def rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants (the web and worker processes), MiB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def locust(host: str, users: int, seconds: int, prefix: Path, server: subprocess.Popen, every: int,
           scenario: str) -> list[float]:
    """Run Locust headless; return the server's memory sampled every ``every`` seconds."""
    chosen = SCENARIOS[scenario]
    # The user classes go before --tags, which would take them for tags (and then run every class).
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), *chosen["users"], "--headless", "-u", str(users),
               "-r", str(users), "-t", f"{seconds}s", "--host", host, "--csv", str(prefix), "--only-summary",
               "--stop-timeout", "5", "--loglevel", "WARNING", *(["--tags", *chosen["tags"]] if chosen["tags"] else [])]
    run = subprocess.Popen(command, env={**os.environ, "LOAD_FIXTURES": str(FIXTURES), **chosen["weights"],
                                         "LOAD_WAIT": WAIT[0]})
    samples = [rss_mib(server.pid)]
    while run.poll() is None:
        time.sleep(1)
        if every and int(time.monotonic()) % every == 0:
            samples.append(rss_mib(server.pid))
            time.sleep(1)
    samples.append(rss_mib(server.pid))
    return samples


def report(prefix: Path, seconds: int) -> tuple[str, dict]:
    rows, by_name = [], {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:  # noqa: PTH123
        for row in csv.DictReader(file):
            by_name[row["Name"]] = row
    groups = {"public pages": PUBLIC, "signed-in pages": SIGNED_IN}
    summary = {}
    for label, names in groups.items():
        present = [by_name[n] for n in names if n in by_name]
        if not present:
            continue
        for row in present:
            rows.append((row["Name"], f"{int(row['Request Count']):,}", f"{float(row['Requests/s']):.1f}",
                         row["50%"], row["99%"], row["Failure Count"]))
        requests = sum(int(r["Request Count"]) for r in present)
        failures = sum(int(r["Failure Count"]) for r in present)
        worst = max((int(r["99%"]) for r in present), default=0)
        rps = sum(float(r["Requests/s"]) for r in present)
        summary[label] = {"rps": rps, "p99_worst": worst, "failures": failures}
        rows.append((f"**{label}**", f"**{requests:,}**", f"**{rps:.1f}**", "", f"**{worst}** (worst page)",
                     f"**{failures}**"))
    total = by_name.get("Aggregated", {})
    rows.append(("all requests", f"{int(total.get('Request Count', 0)):,}", f"{float(total.get('Requests/s', 0)):.1f}",
                 total.get("50%", ""), total.get("99%", ""), total.get("Failure Count", "")))
    table = benchdb.table(rows, ("page", "requests", "requests/s", "median, ms", "p99, ms", "failures"))
    return table, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--time", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--scenarios", default="public,members",
                        help="comma-separated: public (page reads), members (signed-in pages, check-ins, sign-ins), "
                             "mixed (half and half) (default public,members)")
    parser.add_argument("--wait", default="0.05,0.15", help="seconds between a user's requests, low,high "
                        "(default 0.05,0.15)")
    parser.add_argument("--soak", type=int, default=0, help="then this many seconds of the mixed scenario")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn workers (default 4: two per CPU here)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    WAIT[0] = args.wait
    url = args.database_url
    if not url.startswith("postgres"):
        sys.exit("the load test runs on PostgreSQL: --database-url postgres://…")
    if args.reuse and FIXTURES.exists():
        fixtures = json.loads(FIXTURES.read_text())
        key = fixtures["key"]
    else:
        key = secrets.token_urlsafe(50)
        fixtures = None
    env = environment(url, key, args.port)
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "SITE_URL", "UNMENTORING_IGNORE_DEMO_ENV", "DEMO_MODE")})
    if fixtures is None:
        benchdb.create(url)
    benchdb.configure(url)
    from django.db import connection

    server = None
    try:
        if fixtures is None:
            benchdb.migrate()
            start = time.perf_counter()
            subprocess.run([str(BIN / "unmentoring"), "demo", "--members", str(args.members), "--rounds", "12"],
                           env=env, check=True)
            print(f"built the programme in {time.perf_counter() - start:.0f} s", flush=True)
            fixtures = {**prepare(args.members), "key": key}
            with connection.cursor() as cursor:  # as autovacuum would soon after such a load
                cursor.execute("VACUUM ANALYZE")
            fixtures.update(site=f"http://127.0.0.1:{args.port}", host="127.0.0.1")
            FIXTURES.write_text(json.dumps(fixtures))
        connection.close()
        server = subprocess.Popen([str(BIN / "unmentoring"), "serve", "--port", str(args.port), "--workers",
                                   str(args.web_workers), "--task-workers", "1"], env=env)
        host = f"http://127.0.0.1:{args.port}"
        wait_for(f"{host}/programmes/{fixtures['slug']}/", 60)
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        for scenario in args.scenarios.split(","):
            print(f"\n{scenario}: {args.users} users for {args.time} s, {args.wait} s between requests, against {host} "
                  f"({args.web_workers} web workers), "
                  f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
            samples = locust(host, args.users, args.time, out / scenario, server, every=0, scenario=scenario)
            table, _ = report(out / scenario, args.time)
            print(table)
            print(f"web and worker processes' memory: {samples[0]:.0f} MiB before, {samples[-1]:.0f} MiB after")
        if args.soak:
            print(f"\nsoak (mixed): {args.users} users for {args.soak} s", flush=True)
            samples = locust(host, args.users, args.soak, out / "soak", server, every=60, scenario="mixed")
            table, _ = report(out / "soak", args.soak)
            print(table)
            print("memory of the web and worker processes, MiB, each minute: "
                  + ", ".join(f"{s:.0f}" for s in samples))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            connection.close()
            benchdb.drop(url)
            FIXTURES.unlink(missing_ok=True)
            print(f"\ndropped the benchmark database ({url.rsplit('/', 1)[-1]})")


if __name__ == "__main__":
    main()
