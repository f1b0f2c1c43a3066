"""The insights pages, end to end through Django (database read included), for a programme with history.

    .venv/bin/python benchmarks/insights/pages.py --database-url sqlite:////tmp/unmentoring-bench-insights.sqlite3
    .venv/bin/python benchmarks/insights/pages.py \\
        --database-url postgres://postgres@127.0.0.1:5432/unmentoring_bench_insights --members 100000 --orgs 2000

Builds a dedicated database (created, migrated, dropped at the end unless --keep) with the draw benchmark's
instance (benchmarks/rounds/draw_100k.py: N members, Zipf organisations, 12 closed rounds of random pairs),
then answers two in three seats (met, a 1-5 score). It times, with Django's test client and a signed-in
site administrator, the organisers' insights page, the network map (people up to 2,000 members,
organisations above), and the public "Does it work?" page cold and from its cache.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rounds"))

import benchdb  # noqa: E402
import draw_100k  # noqa: E402


def answer_seats(seed: int) -> int:
    from django.utils import timezone

    from unmentoring.rounds.models import CheckIn, Seat

    rng = random.Random(seed)
    now = timezone.now()
    answers = [CheckIn(seat_id=pk, met="yes" if rng.random() < 0.8 else "no", challenge=None, created_at=now,
                       updated_at=now)
               for pk in Seat.objects.values_list("pk", flat=True).iterator(chunk_size=20000) if rng.random() < 2 / 3]
    for a in answers:
        if a.met == "yes":
            a.challenge = rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 5, 3])[0]
        else:
            a.not_met_reason = rng.choice(["no_time", "no_reply", "cancelled"])
    CheckIn.objects.bulk_create(answers, batch_size=5000)
    return len(answers)


def timed_get(client, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(path)
    return time.perf_counter() - started, response.status_code, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/unmentoring-bench-insights.sqlite3")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--orgs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = args.database_url
    benchdb.create(url)
    benchdb.configure(url)
    try:
        benchdb.migrate()
        instance = draw_100k.build(argparse.Namespace(members=args.members, orgs=args.orgs, zipf=1.0,
                                                      rounds=args.rounds, blocks=0, seed=args.seed))
        answered = answer_seats(args.seed)
        print(f"{args.members:,} members x {args.rounds} rounds ({instance['history_seats']:,} seats, "
              f"{answered:,} answered), built in {instance['build_total_s']:.0f} s; load {benchdb.load_average()}")
        from django.test import Client

        from unmentoring.accounts.models import Person

        admin = Person.objects.create_superuser("bench-admin@example.org", full_name="Bench Admin")
        client = Client(HTTP_HOST="localhost")
        client.force_login(admin)
        slug = "benchmark-coffee"
        for label, path in (("insights (organisers)", f"/console/programmes/{slug}/insights/"),
                            ("network map", f"/console/programmes/{slug}/insights/network/"),
                            ("network map, one round", f"/console/programmes/{slug}/insights/network/?round=3"),
                            ("Does it work? (cold)", f"/programmes/{slug}/does-it-work/"),
                            ("Does it work? (cached)", f"/programmes/{slug}/does-it-work/")):
            seconds, status, size = timed_get(client, path)
            print(f"  {label:<26} {seconds:7.2f} s  {status}  {size / 1e6:5.1f} MB", flush=True)
    finally:
        if not args.keep:
            benchdb.drop(url)


if __name__ == "__main__":
    os.environ.setdefault("DEMO_MODE", "1")
    main()
