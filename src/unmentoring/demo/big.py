"""A big made-up programme, for benchmarks, load tests and anyone evaluating the service at scale:

    unmentoring demo --members 100000 --rounds 12 --organisations 2000 --seed 1

N confirmed, active members on the every-round rhythm (so all N are due at the next draw), in K
organisations of Zipf-like sizes, with R closed past rounds of pairs (the odd one out in a trio) and their
check-ins, and the next round scheduled. Written with bulk inserts in batches (the check-ins by one SQL
statement per round), not through the lifecycle's services (which would take hours at this size), so it
loads only into an empty database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from unmentoring.accounts.models import Person
from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import RoundState
from unmentoring.rounds.models import CheckIn, Group, Round, Seat
from unmentoring.rounds.services.lifecycle import round_schedule_next

BATCH = 5000
GIVEN = ["Ada", "Ben", "Chloe", "Dev", "Ebony", "Farid", "Grace", "Hamza", "Isla", "Jun", "Kemi", "Liam", "Maya"]
FAMILY = ["Okafor", "Patel", "Quinn", "Rahman", "Smith", "Taylor", "Usman", "Vaughan", "Williams", "Xu", "Young"]
JOBS = ["Service designer", "Policy adviser", "Data scientist", "Caseworker", "Developer", "Finance manager",
        "Communications lead", "User researcher", "Delivery manager", "Analyst"]
INTERESTS = ["", "", "hiring", "moving into management", "working in the open", "procurement", "agile in government"]


@dataclass(frozen=True)
class BigDemo:
    programme: Programme
    next_round: Round
    seats: int
    check_ins: int


def zipf_sizes(members: int, organisations: int) -> list[int]:
    """Organisation k of K has a share proportional to 1/k (each at least one member), largest first."""
    organisations = max(1, min(organisations, members))
    weights = [1 / k for k in range(1, organisations + 1)]
    total = sum(weights)
    sizes = [max(1, int(members * w / total)) for w in weights]
    sizes[0] += members - sum(sizes)
    return sizes


@transaction.atomic
def demo_big(*, members: int, rounds: int = 12, organisations: int | None = None, seed: int = 1) -> BigDemo:
    """Load the big programme (see the module); the caller checks the database is empty."""
    rng = random.Random(seed)
    now = timezone.now()
    organisations = organisations or max(1, members // 50)
    sizes = zipf_sizes(members, organisations)
    organisation_of = [k for k, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(organisation_of)
    programme = Programme.objects.create(
        name="Big Coffee", slug="big-coffee", summary="A made-up programme of many members, for trying the service at scale.",
        cadence="monthly", weekday=1, week_of_month=1, group_size=2, same_org_policy="avoid",
    )
    people = Person.objects.bulk_create(
        (Person(email=f"member{i}@big.example.org", full_name=f"{GIVEN[i % len(GIVEN)]} {FAMILY[i // 13 % len(FAMILY)]} {i}",
                email_confirmed_at=now, password="!") for i in range(members)),
        batch_size=BATCH)
    memberships = Membership.objects.bulk_create(
        (Membership(person=person, programme=programme, organisation=f"Organisation {organisation_of[i] + 1:05d}",
                    role=JOBS[i % len(JOBS)], phone="+447700900123", happy_to_talk_about=INTERESTS[i % len(INTERESTS)],
                    rules_agreed_at=now, sharing_agreed_at=now, confirmed_at=now)
         for i, person in enumerate(people)),
        batch_size=BATCH)
    ids = [m.pk for m in memberships]
    organisation = {m.pk: m.organisation for m in memberships}
    moment, seats_made, answers_made = now - timedelta(days=31 * (rounds + 1)), 0, 0
    for _ in range(rounds):
        rnd = round_schedule_next(programme=programme, now=moment)
        Round.objects.filter(pk=rnd.pk).update(
            state=RoundState.CLOSED, notice_sent_at=rnd.notice_at, drawn_at=rnd.draw_at, nudge_sent_at=rnd.nudge_at,
            checkin_sent_at=rnd.window_ends_at, closed_at=rnd.close_at)
        moment = rnd.draw_at + timedelta(days=1)
        order = ids[:]
        rng.shuffle(order)
        pairs = len(order) // 2
        groups = Group.objects.bulk_create(
            (Group(round=rnd, number=g + 1, explanation="made up for a big demo") for g in range(pairs)),
            batch_size=BATCH)
        seats = [Seat(group=group, membership_id=member, organisation=organisation[member])
                 for g, group in enumerate(groups)
                 for member in (order[2 * g:2 * g + 2] if g < pairs - 1 else order[2 * g:])]  # the odd one joins the last
        Seat.objects.bulk_create(seats, batch_size=BATCH)
        seats_made += len(seats)
        answers_made += _answer_round(rnd, seed=seed, now=now)
    next_round = round_schedule_next(programme=programme, now=now)
    return BigDemo(programme=programme, next_round=next_round, seats=seats_made, check_ins=answers_made)


# About 7 in 10 seats answer; 3 in 4 of those met, with a score weighted towards 3 and 4; the rest give a
# reason. Chosen by a hash of the seat's id and the seed, in one statement per round (building 800,000
# check-ins in Python would take most of the load's time), the same on SQLite and PostgreSQL.
_ANSWERS = """
INSERT INTO {checkin} (seat_id, met, not_met_reason, not_met_detail, minutes, challenge, learned, shared_url,
                            publish, hidden_at, created_at, updated_at)
SELECT id, CASE WHEN h %% 100 < 75 THEN 'yes' ELSE 'no' END,
       CASE WHEN h %% 100 < 75 THEN '' WHEN h %% 3 = 0 THEN 'no_time' WHEN h %% 3 = 1 THEN 'no_reply' ELSE 'cancelled' END,
       '', NULL,
       CASE WHEN h %% 100 >= 75 THEN NULL WHEN h %% 15 < 1 THEN 1 WHEN h %% 15 < 3 THEN 2 WHEN h %% 15 < 7 THEN 3
            WHEN h %% 15 < 12 THEN 4 ELSE 5 END,
       '', '', 'private', NULL, %s, %s
FROM (SELECT s.id, (s.id * 1103515245 + %s) %% 2147483647 AS h, (s.id * 69069 + %s) %% 1000 AS answered
      FROM {seat} s JOIN {group} g ON g.id = s.group_id WHERE g.round_id = %s) AS seat
WHERE answered < 700
"""


def _answer_round(rnd: Round, *, seed: int, now) -> int:
    with connection.cursor() as cursor:
        sql = _ANSWERS.format(checkin=CheckIn._meta.db_table, seat=Seat._meta.db_table, group=Group._meta.db_table)
        cursor.execute(sql, [now, now, seed * 7919 + 1, seed * 104729 + 3, rnd.pk])
        return cursor.rowcount
