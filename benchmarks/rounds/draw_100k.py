"""Draw a round for a programme of 100,000 members, end to end, and say where the time goes.

    .venv/bin/python benchmarks/rounds/draw_100k.py \\
        --database-url postgres://postgres@127.0.0.1:5432/unmentoring_bench_draw

Builds a dedicated database (created, migrated, dropped at the end unless
--keep): N confirmed active members (every-round rhythm, so all are due) in
~2,000 organisations with Zipf sizes, a monthly programme, 12 closed past
rounds of random pairs, 1,000 blocks; schedules the next round with
``round_schedule_next`` and times ``round_draw`` in a fresh child process
(so its peak RSS is the draw's own), with a breakdown per step. Then the
round is put back to scheduled and the draw repeated (--repeat).

--reuse skips building if the database already holds the instance (after a
--keep run); --profile FILE writes cProfile stats of one draw (slower).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import benchdb

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/unmentoring_bench_draw"
ROLES = ["Service designer", "Policy adviser", "Data scientist", "Caseworker", "Developer", "Finance manager",
         "Communications lead", "User researcher", "Delivery manager", "Analyst"]
TOPICS = ["", "", "Hiring", "Moving into management", "Working in the open", "Procurement", "Agile in government"]
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Ebony", "Farid", "Grace", "Hamza", "Isla", "Jun", "Kemi", "Liam", "Maya", "Nia"]
LAST = ["Okafor", "Patel", "Quinn", "Rahman", "Smith", "Taylor", "Usman", "Vaughan", "Williams", "Xu", "Young", "Zhou"]


def org_sizes(members: int, orgs: int, exponent: float) -> list[int]:
    """Zipf-ish sizes: organisation k has a share proportional to 1 / k**exponent, each at least one member."""
    weights = [1 / (k ** exponent) for k in range(1, orgs + 1)]
    total = sum(weights)
    sizes = [max(1, int(members * w / total)) for w in weights]
    sizes[0] += members - sum(sizes)
    return sizes


def build(args) -> dict:
    """The instance: people, memberships, programme, 12 closed rounds of pairs, blocks, the next round."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from unmentoring.accounts.models import Block, Person
    from unmentoring.programmes.models import Membership, Programme
    from unmentoring.rounds.enums import RoundState
    from unmentoring.rounds.models import Group, Round, Seat
    from unmentoring.rounds.services.lifecycle import round_schedule_next

    rng = np.random.default_rng(args.seed)
    n = args.members
    stamp = timezone.now()
    t0 = time.perf_counter()
    sizes = org_sizes(n, args.orgs, args.zipf)
    orgs = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(orgs)
    org_names = [f"Organisation {k:04d} ({'Department' if k % 3 else 'Council'})" for k in range(len(sizes))]

    programme = Programme.objects.create(
        name="Benchmark Coffee", slug="benchmark-coffee", summary="Meet someone new every month.",
        cadence="monthly", weekday=1, week_of_month=1, group_size=2, same_org_policy="avoid",
    )
    people = [
        Person(email=f"member{i}@bench.example.org", full_name=f"{FIRST[i % len(FIRST)]} {LAST[(i // 7) % len(LAST)]} {i}",
               email_confirmed_at=stamp, password="!unusable")
        for i in range(n)
    ]
    Person.objects.bulk_create(people, batch_size=5000)
    memberships = [
        Membership(person=p, programme=programme, organisation=org_names[orgs[i]], role=ROLES[i % len(ROLES)],
                   phone="+447911123123", video_kind="teams" if i % 2 else "", video_handle="" if i % 2 == 0 else p.email,
                   happy_to_talk_about=TOPICS[i % len(TOPICS)], rules_agreed_at=stamp, sharing_agreed_at=stamp,
                   confirmed_at=stamp)
        for i, p in enumerate(people)
    ]
    Membership.objects.bulk_create(memberships, batch_size=5000)
    t_people = time.perf_counter()

    # 12 closed monthly rounds, timetabled by the real scheduler, starting 13 months ago.
    ids = np.array([m.pk for m in memberships])
    org_of = {m.pk: m.organisation for m in memberships}
    now = stamp - dt.timedelta(days=31 * (args.rounds + 1))
    seats_total = 0
    for _ in range(args.rounds):
        rnd = round_schedule_next(programme=programme, now=now)
        Round.objects.filter(pk=rnd.pk).update(
            state=RoundState.CLOSED, notice_sent_at=rnd.notice_at, drawn_at=rnd.draw_at, nudge_sent_at=rnd.nudge_at,
            checkin_sent_at=rnd.window_ends_at, closed_at=rnd.close_at,
        )
        now = rnd.draw_at + dt.timedelta(days=1)
        order = rng.permutation(ids).tolist()
        with transaction.atomic():
            groups = Group.objects.bulk_create(
                [Group(round=rnd, number=g + 1, explanation="first meeting; different organisations")
                 for g in range(len(order) // 2)],
                batch_size=5000,
            )
            seats = []
            for g, group in enumerate(groups):
                members = order[2 * g: 2 * g + 2] if g < len(groups) - 1 else order[2 * g:]  # odd one out joins the last
                seats.extend(Seat(group=group, membership_id=m, organisation=org_of[m]) for m in members)
            Seat.objects.bulk_create(seats, batch_size=5000)
            seats_total += len(seats)
    t_history = time.perf_counter()

    blocks = set()
    person_ids = [p.pk for p in people]
    while len(blocks) < args.blocks:
        a, b = rng.choice(len(person_ids), 2, replace=False).tolist()
        blocks.add((person_ids[a], person_ids[b]))
    Block.objects.bulk_create([Block(blocker_id=a, blocked_id=b) for a, b in blocks], batch_size=5000)

    nxt = round_schedule_next(programme=programme, now=now)
    t_end = time.perf_counter()
    return {
        "round_id": nxt.pk, "round_number": nxt.number, "draw_at": nxt.draw_at.isoformat(),
        "largest_org": sizes[0], "orgs": len(sizes), "history_seats": seats_total,
        "build_people_s": t_people - t0, "build_history_s": t_history - t_people, "build_total_s": t_end - t0,
    }


def find_existing() -> dict | None:
    from unmentoring.rounds.enums import RoundState
    from unmentoring.rounds.models import Round

    rnd = Round.objects.filter(programme__slug="benchmark-coffee", state__in=[RoundState.SCHEDULED, RoundState.DRAWN]).first()
    if rnd is None:
        return None
    return {"round_id": rnd.pk, "round_number": rnd.number, "draw_at": rnd.draw_at.isoformat()}


def reset(round_id: int) -> None:
    """Undo a draw: its groups, seats and intros go, the round is scheduled again."""
    from django.db import transaction

    from unmentoring.notifications.models import Message
    from unmentoring.rounds.enums import RoundState
    from unmentoring.rounds.models import Group, Round, Seat

    with transaction.atomic():
        seats = Seat.objects.filter(group__round_id=round_id)
        Message.objects.filter(template="intro")._raw_delete(Message.objects.db)
        Seat.objects.filter(pk__in=seats.values("pk"))._raw_delete(Seat.objects.db)
        Group.objects.filter(round_id=round_id)._raw_delete(Group.objects.db)
        Round.objects.filter(pk=round_id).update(state=RoundState.SCHEDULED, drawn_at=None, draw_note="")


def analyse() -> None:
    """Fresh statistics and no dead rows from a previous draw, as after autovacuum on a quiet server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- The child: one timed draw ------------------------------------------------


def child(args) -> None:
    """Run one draw in this (fresh) process and print its figures as JSON."""
    from django.db import connection
    from django.utils import timezone  # noqa: F401  (import cost outside the timing)

    import unmentoring.notifications.services as outbox
    import unmentoring.rounds.emails as emails
    import unmentoring.rounds.services.lifecycle as services
    from unmentoring.notifications.models import Message
    from unmentoring.rounds.models import Round, Seat

    timings: dict[str, float] = defaultdict(float)
    facts: dict = {}

    def timed(name, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                timings[name] += time.perf_counter() - start
        return wrapper

    def timed_match(*a, **k):
        history = list(k.pop("history"))
        blocked = list(k.pop("blocked"))
        facts.update(participants=len(a[0]), history_pairs=len(history), blocked_pairs=len(blocked))
        start = time.perf_counter()
        grouping = original_match(*a, history=history, blocked=blocked, **k)
        timings["match (engine)"] += time.perf_counter() - start
        facts.update(groups=len(grouping.groups), repeat_pairs=grouping.repeat_pairs,
                     same_org_pairs=grouping.same_org_pairs, same_org_lower_bound=grouping.same_org_lower_bound,
                     optimal=grouping.optimal)
        return grouping

    original_match = services.match
    services.match = timed_match
    for name in ("memberships_due", "past_meetings", "blocked_pairs", "group_members", "messages_queue"):
        setattr(services, name, timed(name, getattr(services, name)))
    emails.intro_messages = timed("intro_messages", emails.intro_messages)
    services._store_groups = timed("store groups and seats", services._store_groups)
    outbox.copy_insert = timed("Message insert", outbox.copy_insert)
    Message.objects.bulk_create = timed("Message insert", Message.objects.bulk_create)

    queries = {"n": 0, "s": 0.0}

    def count(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries["n"] += 1
            queries["s"] += time.perf_counter() - start

    rnd = Round.objects.get(pk=args.child)
    connection.ensure_connection()
    rss_before = benchdb.peak_rss_mib()
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        drawn = services.round_draw(round_id=rnd.pk, now=rnd.draw_at)
        if args.profile:
            profiler.disable()
            profiler.dump_stats(args.profile)
        total = time.perf_counter() - start
    seats = Seat.objects.filter(group__round=drawn).count()
    intros = Message.objects.filter(template="intro").count()
    print(json.dumps({
        "total": total, "timings": timings, "facts": facts, "queries": queries["n"], "query_s": queries["s"],
        "state": drawn.state, "seats": seats, "intros": intros,
        "rss_before_mib": rss_before, "peak_rss_mib": benchdb.peak_rss_mib(),
    }))


def run_child(args, url: str, round_id: int, profile: str | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--database-url", url, "--child", str(round_id)]
    if profile:
        cmd += ["--profile", profile]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def steps(result: dict) -> list[tuple[str, float]]:
    t = result["timings"]
    group_parts = ["past_meetings", "blocked_pairs", "match (engine)", "store groups and seats"]
    rows = [
        ("memberships_due", t["memberships_due"]),
        ("past_meetings", t["past_meetings"]),
        ("blocked_pairs", t["blocked_pairs"]),
        ("match (engine)", t["match (engine)"]),
        ("store groups and seats (COPY on PostgreSQL)", t["store groups and seats"]),
        ("group_members other (Participants)", t["group_members"] - sum(t[p] for p in group_parts)),
        ("intro_messages (Outgoing objects)", t["intro_messages"]),
        ("messages_queue", t["messages_queue"]),
        ("  of which the insert (COPY on PostgreSQL)", t["Message insert"]),
        ("  of which rows and keys", t["messages_queue"] - t["Message insert"]),
        ("rest (lock, saves, first_in_line, commit, enqueue)",
         result["total"] - t["memberships_due"] - t["group_members"] - t["intro_messages"] - t["messages_queue"]),
        ("round_draw total", result["total"]),
    ]
    return rows


def report(results: list[dict]) -> str:
    """Seconds per step for each draw, and each step's share of the fastest."""
    best = min(results, key=lambda r: r["total"])
    columns = [steps(r) for r in results]
    rows = [
        (name, *(f"{column[i][1]:.2f}" for column in columns), f"{100 * seconds / best['total']:.0f}%")
        for i, (name, seconds) in enumerate(steps(best))
    ]
    return benchdb.table(rows, ("step", *(f"draw {i + 1}, s" for i in range(len(results))), "share (fastest)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--zipf", type=float, default=1.0, help="organisation-size exponent (default 1.0)")
    parser.add_argument("--rounds", type=int, default=12, help="past rounds of history")
    parser.add_argument("--blocks", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20270105)
    parser.add_argument("--repeat", type=int, default=2, help="timed draws (each in a fresh process)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the instance a --keep run left")
    parser.add_argument("--profile", help="write cProfile stats of one extra draw to this file")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url

    if args.child:
        benchdb.configure(url)
        child(args)
        return

    instance = None
    if args.reuse:
        benchdb.configure(url)
        instance = find_existing()
    if instance is None:
        benchdb.create(url)
        benchdb.configure(url)
        start = time.perf_counter()
        benchdb.migrate()
        print(f"migrated in {time.perf_counter() - start:.1f} s", flush=True)
        instance = build(args)
        print(f"built in {instance['build_total_s']:.0f} s (people {instance['build_people_s']:.0f} s, "
              f"history {instance['build_history_s']:.0f} s)", flush=True)
    try:
        results = []
        for i in range(args.repeat):
            reset(instance["round_id"])
            analyse()
            load = benchdb.load_average()
            results.append(run_child(args, url, instance["round_id"], None))
            r = results[-1]
            r["load"] = load
            print(f"draw {i + 1}: {r['total']:.2f} s, peak RSS {r['peak_rss_mib']:.0f} MiB, load average before {load}",
                  flush=True)
        if args.profile:
            reset(instance["round_id"])
            analyse()
            run_child(args, url, instance["round_id"], args.profile)
            print(f"cProfile stats written to {args.profile}")
        best = min(results, key=lambda r: r["total"])
        times = ", ".join(f"{r['total']:.2f}" for r in results)
        f = best["facts"]
        from django.db import connection

        print()
        print(benchdb.table([
            ("database", f"{connection.vendor} ({url.rsplit('@', 1)[-1]})"),
            ("members due / participants", f"{f['participants']:,}"),
            ("organisations (largest)", f"{args.orgs:,} ({org_sizes(args.members, args.orgs, args.zipf)[0]:,})"),
            ("past rounds / history pairs passed to the engine", f"{args.rounds} / {f['history_pairs']:,}"),
            ("blocked pairs passed to the engine", f"{f['blocked_pairs']:,}"),
            ("groups / seats / intros queued", f"{f['groups']:,} / {best['seats']:,} / {best['intros']:,}"),
            ("repeat pairs / same-org pairs (lower bound) / optimal",
             f"{f['repeat_pairs']} / {f['same_org_pairs']} ({f['same_org_lower_bound']}) / {f['optimal']}"),
            ("SQL statements (time in execute)", f"{best['queries']:,} ({best['query_s']:.2f} s)"),
            ("draw times, s (fastest)", f"{times} ({best['total']:.2f})"),
            ("load average before each draw (1, 5, 15 min)", "; ".join(r["load"] for r in results)),
            ("peak RSS of the draw process, MiB (before the draw)",
             f"{max(r['peak_rss_mib'] for r in results):.0f} ({best['rss_before_mib']:.0f})"),
        ], ("", "value")))
        print()
        print("Where the time goes, per draw (each in a fresh process):")
        print(report(results))
    finally:
        if not args.keep:
            benchdb.drop(url)
            print(f"\ndropped the benchmark database ({url.rsplit('/', 1)[-1]})")


if __name__ == "__main__":
    main()
