"""What one page costs: CPU of one gunicorn worker and of PostgreSQL, per request, one request at a time.

    .venv/bin/python benchmarks/web/load.py --keep --scenarios public --time 10   # builds and keeps the programme
    .venv/bin/python benchmarks/web/page_cost.py [--requests 200]

Uses the database and the signed-in member that a `load.py --keep` run left
(benchmarks/web/fixtures.json), taking back that member's check-in first.
PostgreSQL's figure is every PostgreSQL process on the machine: measure
on a quiet one. Starts one gunicorn worker with one thread
on 127.0.0.1, asks for each page ``--requests`` times, one after another,
and reads from /proc the CPU time the worker and every PostgreSQL process
used. The load test says how fast the site is under load; this says where
each page's time goes, so a change can be measured on a quiet machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import BIN, DEFAULT_URL, FIXTURES, benchdb, environment, wait_for  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_seconds() -> dict[int, float]:
    """CPU seconds of each PostgreSQL process, by process id."""
    used = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if "(postgres)" in stat.read_text():
                used[int(stat.parent.name)] = cpu_seconds(int(stat.parent.name))
        except OSError:
            continue  # it ended
    return used


def postgres_since(before: dict[int, float]) -> float:
    """CPU seconds PostgreSQL used since ``before`` (a process that ended meanwhile is left out)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in postgres_seconds().items())


class Site:
    def __init__(self, port: int, session: str):
        self.port = port
        self.headers = {"Cookie": f"sessionid={session}", "X-Forwarded-For": "10.9.9.9", "Host": "127.0.0.1"}

    def ask(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers={**self.headers, **(headers or {})})
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        return response, text


def forget_checkin(url: str, fixtures: dict, link: str) -> None:
    """Take back the member's check-in, so the first check-in pages are the blank form."""
    os.environ.update({"SECRET_KEY": fixtures["key"], "SITE_URL": fixtures["site"], "DEMO_MODE": "0",
                       "UNMENTORING_IGNORE_DEMO_ENV": "1"})
    benchdb.configure(url)
    from django.db import connection

    from unmentoring.rounds.links import CHECKIN
    from unmentoring.rounds.models import CheckIn

    CheckIn.objects.filter(seat_id=CHECKIN.read_or_none(link.rstrip("/").rsplit("/", 1)[1])).delete()
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--port", type=int, default=8797)
    args = parser.parse_args()
    if not FIXTURES.exists():
        sys.exit("no benchmarks/web/fixtures.json: run `benchmarks/web/load.py --keep` first")
    fixtures = json.loads(FIXTURES.read_text())
    member = fixtures["members"][0]
    forget_checkin(args.database_url, fixtures, member["checkin"])
    env = environment(args.database_url, fixtures["key"], args.port)
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:unmentoring.gunicorn_conf", "unmentoring.wsgi",
                               "--workers", "1", "--threads", "1", "--bind", f"127.0.0.1:{args.port}",
                               "--access-logfile", "/dev/null"], env=env)
    try:
        slug = fixtures["slug"]
        wait_for(f"http://127.0.0.1:{args.port}/programmes/{slug}/", 60)
        worker = int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])
        site = Site(args.port, member["session"])
        response, form = site.ask("GET", member["checkin"])
        csrf_cookie = next(value.split(";")[0] for key, value in response.getheaders()
                           if key.lower() == "set-cookie" and value.startswith("csrftoken="))
        answer = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF.search(form)[1], "met": "yes", "minutes": "30",
                                         "challenge": "3", "learned": "A short learning.", "shared_url": "",
                                         "publish": "private"})
        pages = [
            ("privacy notice, not signed in", "GET", "/privacy/", None, {"Cookie": ""}, 200),
            ("privacy notice, signed in", "GET", "/privacy/", None, None, 200),
            ("programme page, signed in (no cached copy)", "GET", f"/programmes/{slug}/", None, None, 200),
            ("round page", "GET", f"/programmes/{slug}/rounds/{fixtures['round']}/", None, None, 200),
            ("account page", "GET", "/account/", None, None, 200),
            ("check-in GET, first time (the blank form, kept)", "GET", member["checkin"], None, None, 200),
            ("check-in POST (without its redirect)", "POST", member["checkin"], answer,
             {"Content-Type": "application/x-www-form-urlencoded",
              "Cookie": f"{site.headers['Cookie']}; {csrf_cookie}"}, 302),
            ("check-in GET, again (the member's answers)", "GET", member["checkin"], None, None, 200),
            ("sign-in form", "GET", "/sign-in/", None, None, 200),
        ]
        print(f"{args.requests} requests a page, one at a time, one gunicorn worker with one thread; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print("| page | web worker's CPU, ms | PostgreSQL's CPU, ms | time, ms |\n|---|---:|---:|---:|")
        for name, method, path, body, headers, status in pages:
            for _ in range(10):  # warm: templates loaded, statements prepared
                response, _ = site.ask(method, path, body, headers)
                if response.status != status:
                    sys.exit(f"{name}: {method} {path} answered {response.status}, not {status}")
            web, database, start = cpu_seconds(worker), postgres_seconds(), time.perf_counter()
            for _ in range(args.requests):
                site.ask(method, path, body, headers)
            each = 1000 / args.requests
            print(f"| {name} | {(cpu_seconds(worker) - web) * each:.1f} | {postgres_since(database) * each:.1f} "
                  f"| {(time.perf_counter() - start) * each:.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
