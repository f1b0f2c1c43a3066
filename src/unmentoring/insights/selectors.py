"""What the insights read: a programme's seats as :class:`~unmentoring.insights.figures.Meeting` rows.

Reads only (docs/architecture.md): nothing here writes. Members are pseudonyms, numbered in the order they
first sat in a group, so the rows carry no id, name, email or phone; an erased member's seats each get a
pseudonym of their own, as nothing links them any more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from unmentoring.insights.figures import (
    ERASED,
    ArmComparison,
    Joining,
    Meeting,
    Month,
    RoundFigures,
    arm_comparison,
    growth,
    round_figures,
    share_who_met_another_organisation,
)
from unmentoring.programmes.models import Programme
from unmentoring.rounds.enums import Publish, RematchOutcome, RoundState
from unmentoring.rounds.models import Round, Seat


def meetings_of(programme: Programme) -> list[Meeting]:
    """Every seat of the programme's drawn rounds, oldest round first (two queries). A seat whose member moved
    on to a new group mid-round is left out: they sit in that one instead."""
    return meetings_and_names(programme)[0]


def meetings_and_names(programme: Programme) -> tuple[list[Meeting], dict[str, str]]:
    """``meetings_of``, and each pseudonym's name, for the organisers' own pages (never for a file or a
    public page). An erased member's is "A deleted account"."""
    seats = (
        Seat.objects.filter(group__round__programme=programme,
                            group__round__state__in=[RoundState.DRAWN, RoundState.CLOSED])
        .exclude(rematch_outcome=RematchOutcome.REGROUPED)
        .order_by("group__round__number", "group__number", "pk")
        .values_list("pk", "membership_id", "organisation", "group__round__number", "group__number", "checkin__met",
                     "checkin__not_met_reason", "checkin__challenge", "checkin__learned", "checkin__publish",
                     "checkin__hidden_at", "membership__person__full_name", "arm")
    )
    # Intention to treat: a member's half of a round is the one the draw gave them, even in a new match or a
    # group an organiser moved them to (the draw's seat, moved on, still says which).
    assigned = {(membership_id, number): arm for membership_id, number, arm in
                Seat.objects.filter(group__round__programme=programme, membership__isnull=False).exclude(arm="")
                .values_list("membership_id", "group__round__number", "arm")}
    pseudonyms: dict[int, str] = {}
    names: dict[str, str] = {}
    erased = 0
    meetings = []
    for (_pk, membership_id, organisation, number, group, met, reason, challenge, learned, publish, hidden,
         full_name, arm) in seats:
        if membership_id is None:
            erased += 1
            person = f"{ERASED}{erased:04d}"
        else:
            person = pseudonyms.setdefault(membership_id, f"P{len(pseudonyms) + 1:04d}")
        names[person] = full_name or "A deleted account"
        published = bool(learned) and publish in (Publish.NAMED, Publish.ANONYMOUS) and hidden is None
        if published and publish == Publish.NAMED:
            # Its text is public beside the member's name and round: here, beside their pseudonym, it (or any
            # mark of it) would name them, and with them every answer of theirs. It counts, but is not quoted.
            learned = ""
        meetings.append(Meeting(round=number, group=group, person=person, organisation=organisation, met=met or "",
                                not_met_reason=reason or "", challenge=challenge, learning=learned if published else "",
                                arm=assigned.get((membership_id, number), arm), published=published))
    return meetings, names


@dataclass(frozen=True)
class ProgrammeInsights:
    rounds: list[RoundFigures]
    drawn_on: dict[int, date]  # each drawn round's day, in the programme's time zone
    months: list[Month]
    bridged: tuple[int, int]  # (members who met someone from another organisation, members ever grouped)
    meetings: list[Meeting]
    experiment: ArmComparison | None


def drawn_days(programme: Programme) -> dict[int, date]:
    return {number: moment.astimezone(programme.tz).date()
            for number, moment in Round.objects.filter(programme=programme, drawn_at__isnull=False)
            .filter(Q(state=RoundState.DRAWN) | Q(state=RoundState.CLOSED)).values_list("number", "drawn_at")}


def programme_insights(programme: Programme, *, today: date) -> ProgrammeInsights:
    """Everything the insights pages show, from four queries."""
    meetings = meetings_of(programme)
    days = drawn_days(programme)
    figures = round_figures(meetings, seed=programme.pk, rounds=days)

    def day(moment):
        return moment.astimezone(programme.tz).date() if moment else None

    joined = [Joining(day(confirmed), day(left), day(paused), day(resumed))
              for confirmed, left, paused, resumed in programme.memberships.filter(confirmed_at__isnull=False)
              .values_list("confirmed_at", "left_at", "paused_at", "resumed_at")]
    return ProgrammeInsights(rounds=figures, drawn_on=days, months=growth(joined, until=today),
                             bridged=share_who_met_another_organisation(meetings), meetings=meetings,
                             experiment=arm_comparison(meetings, seed=programme.pk))


def insights_version(programme: Programme) -> str:
    """A fingerprint of everything the insights read (two queries): it changes when a seat, a check-in, a
    round or a membership does, so a cached page is never stale."""
    seats = (Seat.objects.filter(group__round__programme=programme)
             .aggregate(n=Count("pk"), answered=Max("checkin__updated_at"), drawn=Max("group__round__drawn_at"),
                        moved=Count("pk", filter=Q(rematch_outcome=RematchOutcome.REGROUPED))))
    members = programme.memberships.aggregate(n=Count("pk"), changed=Max("updated_at"))
    return hashlib.sha256("|".join(str(v) for v in (*seats.values(), *members.values())).encode()).hexdigest()[:32]
