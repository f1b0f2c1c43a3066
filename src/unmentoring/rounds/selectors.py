"""Reads for rounds: who is due in a draw, who met whom before, who blocked whom, and pages."""

from __future__ import annotations

import secrets
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from unmentoring.accounts.models import Block
from unmentoring.core.kept import kept_query
from unmentoring.matching import MatchingError, Participant, PastMeeting, match
from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.programmes.enums import Cadence, MembershipStatus, Rhythm
from unmentoring.programmes.models import Membership
from unmentoring.rounds.enums import Met, Publish, RematchOutcome, RoundState
from unmentoring.rounds.links import CHECKIN, seat_link
from unmentoring.rounds.models import CheckIn, Group, PastPairing, Round, Seat

QUARTER_IN_ROUNDS = {Cadence.WEEKLY: 13, Cadence.FORTNIGHTLY: 6, Cadence.MONTHLY: 3}


def rhythm_interval(rhythm: str, cadence: str) -> int:
    """How many rounds apart a member with this rhythm is drawn."""
    return {Rhythm.EVERY_ROUND: 1, Rhythm.EVERY_OTHER: 2}.get(rhythm) or QUARTER_IN_ROUNDS[cadence]


def memberships_due(rnd: Round, *, on: date | None = None) -> list[Membership]:
    """Confirmed, active (or paused only until before the draw) and due by their rhythm, or first in line.

    ``on`` is the day of an early draw (an organiser's "draw it now"), if not the round's draw day."""
    programme = rnd.programme
    draw_day = on or rnd.draw_at.astimezone(programme.tz).date()
    candidates = list(
        Membership.objects.filter(programme=programme, person__is_active=True)
        .filter(Q(status=MembershipStatus.ACTIVE) | Q(status=MembershipStatus.PAUSED, paused_until__lte=draw_day))
        .select_related("person")
        .order_by("pk")
    )
    # Only a last round within the longest interval can make anyone wait, and members drawn
    # every round never wait: leave both out rather than aggregate a programme's whole history.
    longest = max(rhythm_interval(rhythm, programme.cadence) for rhythm in Rhythm.values)
    last_round = dict(
        Seat.objects.filter(group__round__programme=programme, group__is_rematch=False, group__round__number__lt=rnd.number,
                                   group__round__number__gt=rnd.number - longest)
        .exclude(membership__rhythm=Rhythm.EVERY_ROUND)
        .values("membership")
        .annotate(last=Max("group__round__number"))
        .values_list("membership", "last")
    )
    due = []
    for membership in candidates:
        last = last_round.get(membership.pk)
        interval = rhythm_interval(membership.rhythm, programme.cadence)
        if membership.first_in_line or last is None or rnd.number - last >= interval:
            membership.programme = programme  # their emails name it: no query each
            due.append(membership)
    return due


# Up to this many members (a re-match), the database also narrows the seats to theirs.
FEW_MEMBERS = 400


def latecomers(rnd: Round) -> list[Membership]:
    """Members due in a drawn round who have no seat in it: they joined (or came back) after its draw."""
    seated = set(Seat.objects.filter(group__round=rnd, membership__isnull=False).values_list("membership_id", flat=True))
    return [m for m in memberships_due(rnd) if m.pk not in seated]


def notified_memberships(rnd: Round) -> set[int]:
    """The memberships whose notice of this round was sent (its idempotency key names them). A notice still
    queued is withdrawn when it is due to go (emails.round_notice), so its member never heard of the round."""
    prefix = f"notice:{rnd.pk}:"
    keys = Message.objects.filter(template="round_notice", idempotency_key__startswith=prefix, status=MessageStatus.SENT)
    return {int(key[len(prefix):]) for key in keys.values_list("idempotency_key", flat=True) if key[len(prefix):].isdigit()}


def past_meetings(*, programme, membership_ids: set[int], up_to_round: int) -> list[PastMeeting]:
    """Every pair among these members who shared a group in this programme, with the round they did."""
    # One row per pair (a seat joined to each later-numbered member of its group), in group
    # then member order, rather than every seat of the programme's history grouped in Python.
    pairs = {"group__round__programme": programme, "group__round__number__lte": up_to_round,
             "membership__isnull": False, "group__seats__membership_id__gt": F("membership_id")}
    if len(membership_ids) <= FEW_MEMBERS:
        pairs.update(membership_id__in=membership_ids, group__seats__membership_id__in=membership_ids)
    rows = (
        Seat.objects.filter(**pairs)  # one filter(): both conditions on the same other member
        .values_list("group__round__number", "membership_id", "group__seats__membership_id")
        .order_by("group_id", "membership_id", "group__seats__membership_id")
    )
    name = {pk: str(pk) for pk in membership_ids}
    meetings = [
        PastMeeting(round=number, a=name[a], b=name[b])
        for number, a, b in rows.iterator(chunk_size=20000)
        if a in name and b in name
    ]
    # And the spreadsheet era's, before round 1 (imported by the organisers).
    earlier = PastPairing.objects.filter(programme=programme).values_list("round", "a_id", "b_id").order_by("round", "pk")
    return meetings + [PastMeeting(round=number, a=name[a], b=name[b]) for number, a, b in earlier
                       if a in name and b in name]


def blocked_pairs(memberships: list[Membership]) -> list[tuple[str, str]]:
    """Blocks between people, as pairs of these membership ids."""
    membership_of = {m.person_id: m.pk for m in memberships}
    # Blocks are few: read those between members of these programmes and keep the pairs among
    # these people, rather than send every person id to the database twice.
    programmes = {m.programme_id for m in memberships}

    def a_member(person):
        return Exists(Membership.objects.filter(person_id=OuterRef(person), programme_id__in=programmes))

    pairs = Block.objects.filter(a_member("blocker_id"), a_member("blocked_id")).values_list("blocker_id", "blocked_id")
    return [
        (str(membership_of[a]), str(membership_of[b]))
        for a, b in pairs.iterator(chunk_size=20000)
        if a in membership_of and b in membership_of
    ]


def round_get(*, slug: str, number: int, count_groups: bool = False) -> Round:
    """The round and its programme; with ``count_groups``, its ``group_count`` too, new matches included, in
    the same query. Groups are numbered from 1 without gaps, each new one after the last, and never deleted
    on their own, so the highest number is the count, read from the end of an index (counting 50,000 groups
    on every view of the round page took PostgreSQL 9 ms)."""
    found = (_round_counted if count_groups else _round_alone)(slug=slug, number=number)
    if not found:
        raise Http404("No such round.")
    return found[0]


@kept_query
def _round_alone(*, slug: str, number: int):
    return Round.objects.select_related("programme").filter(programme__slug=slug, number=number).order_by()[:1]


@kept_query
def _round_counted(*, slug: str, number: int):
    highest = Group.objects.filter(round=OuterRef("pk")).order_by("-number").values("number")[:1]
    return (Round.objects.select_related("programme").annotate(group_count=Coalesce(Subquery(highest), 0))
            .filter(programme__slug=slug, number=number).order_by()[:1])


def rounds_of(programme) -> dict:
    rounds = list(programme.rounds.order_by("-number"))
    return {
        "next_round": next((r for r in reversed(rounds) if r.state == RoundState.SCHEDULED), None),
        "past_rounds": [r for r in rounds if r.state != RoundState.SCHEDULED],
    }


@kept_query
def _seats_in_round(*, round_id: int, person_id: int):
    return (Seat.objects.filter(group__round_id=round_id, membership__person_id=person_id)
            .select_related("group", "checkin").order_by("group__number"))


@kept_query
def _others_in_groups(*, round_id: int, person_id: int):
    """The others still in the groups where this person sits in the round."""
    theirs = Seat.objects.filter(group__round_id=round_id, membership__person_id=person_id).values("group_id")
    return (still_in_group(Seat.objects.filter(group__in=theirs)).exclude(membership__person_id=person_id)
            .select_related("membership__person").order_by("pk"))


def seats_of(*, person, rnd: Round) -> list[dict]:
    """A person's groups in a round, each with the other members' details (only for people in the group)."""
    seats = _seats_in_round(round_id=rnd.pk, person_id=person.pk)
    others = defaultdict(list)
    for other in _others_in_groups(round_id=rnd.pk, person_id=person.pk) if seats else []:
        others[other.group_id].append(other)
    return [{"seat": seat, "others": others[seat.group_id], "checkin_link": seat_link(CHECKIN, "rounds:checkin", seat.pk)}
            for seat in seats]


def latest_rounds_of(*, person) -> dict[int, Round]:
    """Per programme, the latest round this person was drawn in (one query)."""
    return {rnd.programme_id: rnd for rnd in _latest_rounds_of(person_id=person.pk)}


@kept_query
def _latest_rounds_of(*, person_id: int):
    latest = (Seat.objects.filter(membership__person_id=person_id, group__round__programme_id=OuterRef("programme_id"))
              .order_by("-group__round__number").values("group__round__number")[:1])
    programmes = Membership.objects.filter(person_id=person_id).values("programme_id")
    return (Round.objects.filter(programme_id__in=programmes, number=Subquery(latest))
            .select_related("programme").order_by("programme_id"))


@kept_query
def _seat_alone(*, seat_id: int):
    return (Seat.objects.select_related("group__round__programme", "membership__person", "checkin")
            .filter(pk=seat_id, membership__isnull=False)[:1])


@kept_query
def _others_in_group(*, group_id: int, seat_id: int):
    return (still_in_group(Seat.objects.filter(group_id=group_id).exclude(pk=seat_id))
            .select_related("membership__person").order_by("pk"))


def seat_with_others(seat_id: int) -> tuple[Seat, list[Seat]] | None:
    """A seat (with its round and programme) and the others still in its group: not erased, not left the
    programme, not moved to a new group. None if the seat is gone or its member erased.
    """
    found = _seat_alone(seat_id=seat_id)
    if not found:
        return None
    seat = found[0]
    programme = seat.group.round.programme
    if seat.membership.programme_id == programme.pk:  # as it always is: read once, not twice
        Membership.programme.field.set_cached_value(seat.membership, programme)
    return seat, _others_in_group(group_id=seat.group_id, seat_id=seat.pk)


def seats_with_others(seat_ids: list[int]) -> dict[int, tuple[Seat, list[Seat]]]:
    """``seat_with_others`` for many seats at once, in two queries: {seat id: (seat, others)}."""
    seats = list(Seat.objects.select_related("group__round__programme", "membership__person", "membership__programme",
                                             "checkin")
                 .filter(pk__in=seat_ids, membership__isnull=False))
    in_groups: dict[int, list[Seat]] = defaultdict(list)
    for other in (still_in_group(Seat.objects.filter(group_id__in={s.group_id for s in seats}))
                  .select_related("membership__person").order_by("pk")):
        in_groups[other.group_id].append(other)
    return {seat.pk: (seat, [o for o in in_groups[seat.group_id] if o.pk != seat.pk]) for seat in seats}


def still_in_group(seats):
    """The seats whose member is still in their group: not erased, not left the programme, not moved to a
    new group. Only they are named to the rest of the group (round page, check-in, emails)."""
    return (seats.filter(membership__isnull=False)
            .exclude(membership__status=MembershipStatus.LEFT)
            .exclude(rematch_outcome=RematchOutcome.REGROUPED))


def seat_by_link(link, token: str) -> tuple[Seat, list[Seat]] | None:
    """The seat a signed seat link points at, with the rest of its group; None if the link or the seat is no good."""
    seat_id = link.read_or_none(token)
    return seat_with_others(seat_id) if seat_id is not None else None


def rounds_upcoming() -> list[Round]:
    """Every scheduled round, the soonest draw first."""
    return list(Round.objects.filter(state=RoundState.SCHEDULED).select_related("programme").order_by("draw_at", "pk"))


def learnings_published(*, programme, round_number: int | None = None):
    """Check-ins whose learning its member chose to publish, newest first; never a private or hidden one,
    or one whose member has been erased."""
    learnings = (
        CheckIn.objects.filter(seat__group__round__programme=programme, seat__membership__isnull=False,
                               publish__in=[Publish.NAMED, Publish.ANONYMOUS], hidden_at__isnull=True)
        .exclude(learned="")
        .select_related("seat__group__round__programme", "seat__membership__person")
        .order_by("-created_at", "-pk")
    )
    if round_number is not None:
        learnings = learnings.filter(seat__group__round__number=round_number)
    return learnings


FEWEST_SCORES_SHOWN = 5  # statistical disclosure control for the public figures


@dataclass(frozen=True)
class RoundFigures:
    groups: int
    groups_met: int
    checked_in: int
    organisations_connected: int  # distinct pairs of different organisations together in a group that met
    challenge_median: float | None  # of the members who met and answered; None with too few to show
    challenge_answers: int
    learnings: int


def round_figures(rnd: Round) -> RoundFigures:
    """The round's results, as its round-up shows them (a group met if any of its members said "yes")."""
    groups = Group.objects.filter(round=rnd)  # new matches made mid-round are groups too
    met_groups = groups.filter(Exists(CheckIn.objects.filter(seat__group=OuterRef("pk"), met=Met.YES)))
    organisations = defaultdict(set)
    for group_id, organisation in (Seat.objects.filter(group__in=met_groups).exclude(rematch_outcome=RematchOutcome.REGROUPED)
                                   .values_list("group_id", "organisation")):
        organisations[group_id].add(" ".join(organisation.casefold().split()))
    links = {pair for orgs in organisations.values() for pair in combinations(sorted(o for o in orgs if o), 2)}
    scores = sorted(CheckIn.objects.filter(seat__group__round=rnd, met=Met.YES, challenge__isnull=False)
                    .values_list("challenge", flat=True))
    return RoundFigures(
        groups=groups.count(),
        groups_met=met_groups.count(),
        checked_in=CheckIn.objects.filter(seat__group__round=rnd).count(),
        organisations_connected=len(links),
        # Public: fewer answers than this could give away someone's own score.
        challenge_median=statistics.median(scores) if len(scores) >= FEWEST_SCORES_SHOWN else None,
        challenge_answers=len(scores),
        learnings=learnings_published(programme=rnd.programme, round_number=rnd.number).count(),
    )


def people_grouped_with(*, person) -> set[int]:
    """The people who shared a group with this person in any round."""
    groups = Seat.objects.filter(membership__person=person).values("group")
    return set(Seat.objects.filter(group__in=groups, membership__isnull=False).exclude(membership__person=person)
               .values_list("membership__person_id", flat=True))


@dataclass(frozen=True)
class DrawPreview:
    due: int
    groups: list[list[Membership]]
    repeat_pairs: int
    same_org_pairs: int
    problem: str  # why nobody could be grouped, if so


def draw_preview(rnd: Round) -> DrawPreview:
    """A trial of the draw on the members due today: nothing stored, nothing sent. It uses a fresh random
    seed, not the round's (still secret: a trial with it would rehearse the real draw), so the real draw's
    groups will differ; its counts say what to expect."""
    members = memberships_due(rnd)
    by_id = {str(m.pk): m for m in members}
    if len(members) < 2:
        return DrawPreview(due=len(members), groups=[], repeat_pairs=0, same_org_pairs=0,
                           problem=f"{len(members)} member{'s' if len(members) != 1 else ''} due: at least 2 are needed.")
    programme = rnd.programme
    try:
        grouping = match(
            [Participant(id=key, organisation=" ".join(m.organisation.casefold().split())) for key, m in by_id.items()],
            history=past_meetings(programme=programme, membership_ids={m.pk for m in members}, up_to_round=rnd.number - 1),
            blocked=blocked_pairs(members), group_size=programme.group_size, seed=secrets.randbits(63),
            same_org=programme.same_org_policy,
        )
    except MatchingError as error:
        return DrawPreview(due=len(members), groups=[], repeat_pairs=0, same_org_pairs=0, problem=str(error))
    return DrawPreview(due=len(members), groups=[[by_id[k] for k in g.members] for g in grouping.groups],
                       repeat_pairs=grouping.repeat_pairs, same_org_pairs=grouping.same_org_pairs, problem="")
