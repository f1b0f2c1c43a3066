"""The steps that carry one id per member, run for real at 100,000 members, each rolled back.

    .venv/bin/python benchmarks/web/load.py --keep --scenarios public --time 5   # builds the database once
    .venv/bin/python benchmarks/rounds/member_lists.py

Against the load test's kept database (a 100,000-member programme with its
latest round drawn): closes that round (the round-up to every member and the
silent members' pause), sends the next round's notice to everyone and cancels
it (a cancellation to each member told), fails every message and requeues
them all by id, and marks every member first in line. Each step runs in its
own transaction, rolled back, so the database is left as it was. With
server-side parameters on (the default on PostgreSQL) a list of ids passed
as ``__in`` stops at 65,535; these steps pass theirs with ``__among``.
Prints each step's time and how many rows it touched.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchdb  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/unmentoring_bench_load"


class RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    benchdb.configure(args.database_url)

    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from unmentoring.notifications.models import Message
    from unmentoring.notifications.services import messages_requeue
    from unmentoring.programmes.models import Membership, Programme
    from unmentoring.programmes.services import memberships_set_first_in_line
    from unmentoring.rounds.models import Round
    from unmentoring.rounds.services.lifecycle import round_close, round_send_notice
    from unmentoring.rounds.services.steering import round_cancel

    programme = Programme.objects.annotate(members=Count("memberships")).order_by("-members").first()
    if programme is None:
        sys.exit("the database holds no programme: run benchmarks/web/load.py --keep first")
    members = programme.members
    drawn = programme.rounds.filter(state="drawn").order_by("-number").first()
    scheduled = programme.rounds.filter(state="scheduled").order_by("number").first()
    if drawn is None or scheduled is None:
        sys.exit("the database needs a drawn round and a scheduled one: run benchmarks/web/load.py --keep first")
    actor = programme.organisers.first()
    now = timezone.now()

    def close():
        before = Message.objects.filter(template="round_up").count()
        round_close(round_id=drawn.pk, now=max(now, drawn.close_at))
        return Message.objects.filter(template="round_up").count() - before

    def cancel():
        round_send_notice(round_id=scheduled.pk, now=scheduled.notice_at)
        Message.objects.filter(template="round_notice", idempotency_key__startswith=f"notice:{scheduled.pk}:").update(
            status="sent")
        round_cancel(round_id=scheduled.pk, reason="A strike day.", actor=actor, now=scheduled.notice_at)
        return Message.objects.filter(template="round_cancelled").count()

    def requeue():
        Message.objects.update(status="failed")
        return messages_requeue(ids=list(Message.objects.values_list("pk", flat=True)))

    def first_in_line():
        return memberships_set_first_in_line(membership_ids=list(Membership.objects.values_list("pk", flat=True)),
                                             first=True)

    server_side = connection.features.uses_server_side_binding
    print(f"{members:,} members; server-side parameters {'on' if server_side else 'off'}; "
          f"load average {benchdb.load_average()}")
    rows = []
    for name, step in [("close the drawn round", close), ("notice, then cancel, the next", cancel),
                       ("fail and requeue every message", requeue), ("every member first in line", first_in_line)]:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                touched = step()
                raise RolledBack
        except RolledBack:
            pass
        rows.append((name, f"{touched:,}", f"{time.perf_counter() - started:.1f}"))
        Round.objects.get(pk=drawn.pk)  # the connection is still good
    print(benchdb.table(rows, ("step (rolled back)", "rows", "seconds")))


if __name__ == "__main__":
    main()
