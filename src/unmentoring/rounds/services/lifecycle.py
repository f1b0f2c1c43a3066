"""The round lifecycle: schedule, notice, draw, nudge, check-in requests, close, and the silence rule.

Every step is idempotent: it checks and sets its own marker inside one
transaction, and each message it queues has an idempotency key, so a tick
that runs twice, late, or on two workers at once queues nothing twice
(docs/design.md §4).
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from unmentoring.core.bulk import copy_insert, next_ids, uses_copy
from unmentoring.core.errors import ApplicationError
from unmentoring.core.services import audit_record
from unmentoring.matching import MatchingError, Participant, match
from unmentoring.matching.affinity import match_similar
from unmentoring.notifications.services import messages_queue
from unmentoring.programmes.enums import MembershipStatus, PauseReason
from unmentoring.programmes.models import Membership, Programme
from unmentoring.programmes.services import membership_pause, memberships_set_first_in_line
from unmentoring.rounds import emails
from unmentoring.rounds.enums import Arm, Met, RematchOutcome, RoundState
from unmentoring.rounds.experiment import FEWEST_FOR_AN_EXPERIMENT, experiment_arms, profile
from unmentoring.rounds.models import CheckIn, Group, Round, Seat, seed_digest
from unmentoring.rounds.schedule import timetable
from unmentoring.rounds.selectors import blocked_pairs, memberships_due, past_meetings, round_figures

logger = logging.getLogger(__name__)

SILENT_ROUNDS = 3
SILENT_PAUSE = timedelta(days=365)


def _local_day(moment: datetime, programme: Programme):
    return moment.astimezone(programme.tz).date()


# --- Scheduling -------------------------------------------------------------


def round_schedule_next(*, programme: Programme, now: datetime | None = None) -> Round | None:
    """Make sure the programme's next round is scheduled; returns the new round, or None if one was already."""
    now = now or timezone.now()
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one scheduler at a time
        if programme.rounds.filter(state=RoundState.SCHEDULED).exists():
            return None
        last = programme.rounds.order_by("-number").first()
        earliest = _local_day(now, programme) + timedelta(days=programme.notice_days)
        previous = None
        if last is not None:
            previous = _local_day(last.draw_at, programme)
            earliest = max(earliest, previous + timedelta(days=1))
        times = timetable(programme, earliest=earliest, previous=previous)
        seed = secrets.token_hex(32)
        return Round.objects.create(
            programme=programme,
            number=(last.number + 1) if last else 1,
            seed=seed,
            seed_sha256=seed_digest(seed),
            notice_at=times.notice_at,
            draw_at=times.draw_at,
            nudge_at=times.nudge_at,
            window_ends_at=times.window_ends_at,
            close_at=times.close_at,
        )


@transaction.atomic
def round_retime_scheduled(*, programme: Programme, now: datetime | None = None) -> Round | None:
    """After the programme's schedule changed: its scheduled round takes the new times, if nobody has been
    told of it yet (once the notice is out, the change starts with the round after)."""
    now = now or timezone.now()
    rnd = programme.rounds.select_for_update().filter(state=RoundState.SCHEDULED, notice_sent_at__isnull=True).first()
    if rnd is None:
        return None
    last = programme.rounds.exclude(pk=rnd.pk).order_by("-number").first()
    earliest = _local_day(now, programme) + timedelta(days=programme.notice_days)
    previous = _local_day(last.draw_at, programme) if last else None
    if previous is not None:
        earliest = max(earliest, previous + timedelta(days=1))
    times = timetable(programme, earliest=earliest, previous=previous)
    for name in ("notice_at", "draw_at", "nudge_at", "window_ends_at", "close_at"):
        setattr(rnd, name, getattr(times, name))
    rnd.save(update_fields=["notice_at", "draw_at", "nudge_at", "window_ends_at", "close_at"])
    return rnd


def _take_step(round_id: int, marker: str, *, state: str, now: datetime) -> Round | None:
    """Lock the round and mark one lifecycle step done; None if the round is not in ``state`` or it was done already.

    Call inside a transaction: the marker commits with the messages the step queues.
    """
    rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
    if rnd.state != state or getattr(rnd, marker) is not None:
        return None
    setattr(rnd, marker, now)
    rnd.save(update_fields=[marker])
    return rnd


# --- Opt-out notice ---------------------------------------------------------


def round_send_notice(*, round_id: int, now: datetime | None = None) -> int:
    """Tell every member due in the draw that they are in, with a one-click way to skip the round."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = _take_step(round_id, "notice_sent_at", state=RoundState.SCHEDULED, now=now)
        if rnd is None:
            return 0
        if now >= rnd.draw_at:
            return 0  # caught up too late: the draw is due, a notice would only confuse
        return messages_queue(emails.notice_message(rnd, membership) for membership in memberships_due(rnd))


def round_skip(*, round_id: int, membership_id: int, now: datetime | None = None) -> Membership:
    """A member sits out one round: paused until the day after its draw (the one-click link in the notice)."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
        membership = Membership.objects.get(pk=membership_id, programme=rnd.programme)
        if rnd.state == RoundState.CANCELLED:
            raise ApplicationError(f"Round {rnd.number} has been cancelled by the organisers: there is nothing to skip.")
        if rnd.state != RoundState.SCHEDULED:
            raise ApplicationError(f"Round {rnd.number} has already been drawn.")
        until = _local_day(rnd.draw_at, rnd.programme) + timedelta(days=1)
        if membership.status == MembershipStatus.PAUSED and membership.paused_until and membership.paused_until >= until:
            return membership
        return membership_pause(membership=membership, until=until, reason=PauseReason.SKIPPED_ROUND,
                                today=_local_day(now, rnd.programme))


# --- The draw ---------------------------------------------------------------


def group_members(rnd: Round, memberships: list[Membership], *, history_to: int, seed: int, start_number: int,
                  is_rematch: bool, also_blocked: list[tuple[str, str]] = (), arm: str = "") -> list[Seat]:
    """Run the engine on these memberships and store its groups; returns the new seats. ``arm`` is an
    experiment's half: ``similar`` groups by what people have in common, under the same hard rules."""
    by_id = {str(m.pk): m for m in memberships}
    programme = rnd.programme
    rules = {
        "history": past_meetings(programme=programme, membership_ids={m.pk for m in memberships}, up_to_round=history_to),
        "blocked": [*blocked_pairs(memberships), *also_blocked],
        "group_size": programme.group_size,
        "seed": seed,
        "same_org": programme.same_org_policy,
    }
    participants = [Participant(id=key, organisation=" ".join(m.organisation.casefold().split()))
                    for key, m in by_id.items()]
    if arm == Arm.SIMILAR:
        grouping = match_similar([profile(m) for m in by_id.values()], **rules)
        # The rules come first: "no repeats where avoidable" holds for the similar half too.
        if grouping.repeat_pairs and grouping.repeat_pairs > match(participants, **rules).repeat_pairs:
            raise MatchingError("grouping by what people have in common would repeat pairs the draw can avoid")
    else:
        grouping = match(participants, **rules)
    return _store_groups(rnd, grouping.groups, by_id, start_number=start_number, is_rematch=is_rematch, arm=arm)


# Seats from which a draw's groups are copied in rather than created one by one (PostgreSQL).
COPY_SEATS_FROM = 500


def _store_groups(rnd: Round, planned: list, by_id: dict[str, Membership], *, start_number: int, is_rematch: bool,
                  arm: str) -> list[Seat]:
    """The engine's groups as rows: for a big draw on PostgreSQL streamed in with COPY under ids taken from
    the sequences first (a draw's 50,000 groups and 100,000 seats; its seats then load their group when
    asked), otherwise with bulk_create."""
    if not uses_copy() or sum(len(g.members) for g in planned) < COPY_SEATS_FROM:
        groups = Group.objects.bulk_create(
            [Group(round=rnd, number=start_number + i, explanation=g.explanation[:300], is_rematch=is_rematch)
             for i, g in enumerate(planned)], batch_size=2000)
        return Seat.objects.bulk_create(
            [Seat(group=group, membership=by_id[member], organisation=by_id[member].organisation, arm=arm)
             for group, g in zip(groups, planned, strict=True) for member in g.members], batch_size=5000)
    group_ids = next_ids(Group, len(planned))
    copy_insert(Group, ("id", "round_id", "number", "explanation", "is_rematch"),
                [(pk, rnd.pk, start_number + i, g.explanation[:300], is_rematch)
                 for i, (pk, g) in enumerate(zip(group_ids, planned, strict=True))])
    placed = [(group_id, by_id[member]) for group_id, g in zip(group_ids, planned, strict=True) for member in g.members]
    seat_ids = next_ids(Seat, len(placed))
    copy_insert(Seat, ("id", "group_id", "membership_id", "organisation", "arm"),
                [(pk, group_id, m.pk, m.organisation, arm) for pk, (group_id, m) in zip(seat_ids, placed, strict=True)])
    seats = []
    for pk, (group_id, membership) in zip(seat_ids, placed, strict=True):
        seat = Seat(id=pk, group_id=group_id, membership_id=membership.pk, organisation=membership.organisation, arm=arm)
        seat._state.adding = False
        seat._state.db = "default"
        seat.membership = membership
        seats.append(seat)
    return seats


def round_draw(*, round_id: int, now: datetime | None = None, early_by=None) -> Round:
    """Group every member due in this round, store the groups and queue the intros, in one transaction.

    Idempotent: a drawn round is returned as it is, and a second worker
    waits on the round's row lock, then finds it drawn. If blocks make a
    grouping impossible, nothing is written but a note naming who cannot be
    placed, and ApplicationError is raised.

    ``early_by`` is an organiser drawing it now rather than at its draw time: the members due today are
    drawn, the round's timetable stays as planned (so the next round is not squeezed into its window), and
    the audit log says who, in the same transaction.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            if early_by is not None:
                _bring_forward(round_id, now, actor=early_by)
            return _draw(round_id, now, early=early_by is not None)
    except _Unplaceable as error:
        Round.objects.filter(pk=round_id).update(
            draw_note="Not drawn yet: the organisers are sorting out who can be matched with whom.",
            draw_problem=f"Draw failed: {error}",
        )
        raise ApplicationError(f"Round {error.round_number} cannot be drawn: {error}") from error


def _bring_forward(round_id: int, now: datetime, *, actor) -> None:
    rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
    if rnd.state != RoundState.SCHEDULED:
        raise ApplicationError(f"Round {rnd.number} is {rnd.get_state_display().lower()} already.")
    due = len(memberships_due(rnd, on=_local_day(now, rnd.programme)))
    if due < 2:
        raise ApplicationError(f"Round {rnd.number} cannot be drawn now: {due} member{'s' if due != 1 else ''} "
                               "due today, at least 2 are needed.")
    audit_record(actor=actor, action="round.draw_now", subject=f"round:{rnd.number}", programme=rnd.programme_id)


class _Unplaceable(Exception):
    def __init__(self, message: str, round_number: int):
        super().__init__(message)
        self.round_number = round_number


def _draw(round_id: int, now: datetime, *, early: bool = False) -> Round:
    rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
    if rnd.state != RoundState.SCHEDULED:
        return rnd
    if now < rnd.draw_at and not early:
        raise ApplicationError(f"Round {rnd.number} is not due to be drawn until {rnd.draw_at:%Y-%m-%d %H:%M}.")
    if now >= rnd.window_ends_at:
        # Caught up too late to be any use: nobody could meet in a window that has passed.
        rnd.state, rnd.closed_at = RoundState.CLOSED, now
        rnd.draw_note = "Not drawn: the service was not running between the draw time and the end of the window."
        rnd.save(update_fields=["state", "closed_at", "draw_note"])
        return rnd
    members = memberships_due(rnd, on=_local_day(now, rnd.programme) if early else None)
    rnd.state, rnd.drawn_at = RoundState.DRAWN, now
    if len(members) < 2:
        rnd.draw_note = f"Not drawn: {len(members)} member{'s' if len(members) != 1 else ''} due, at least 2 are needed."
        rnd.save(update_fields=["state", "drawn_at", "draw_note"])
        return rnd
    try:
        seats, note = _group_round(rnd, members)
    except MatchingError as error:
        raise _Unplaceable(re.sub(r"'(\d+)'", r"membership \1", str(error)), rnd.number) from error
    rnd.draw_note, rnd.draw_problem = note, ""
    rnd.save(update_fields=["state", "drawn_at", "draw_note", "draw_problem"])
    memberships_set_first_in_line(membership_ids=[m.pk for m in members if m.first_in_line], first=False)
    messages_queue(emails.intro_messages(seats))
    return rnd


def _group_round(rnd: Round, members: list[Membership]) -> tuple[list[Seat], str]:
    """The draw's groups, and the round's public note about them: all at random, or, in a programme running
    the experiment, half at random and half by what people have in common (the halves chosen by the seed)."""
    if not rnd.programme.experiment or len(members) < FEWEST_FOR_AN_EXPERIMENT:
        return group_members(rnd, members, history_to=rnd.number - 1, seed=rnd.engine_seed, start_number=1,
                             is_rematch=False), ""
    arms = experiment_arms([m.pk for m in members], seed=rnd.seed, group_size=rnd.programme.group_size)
    try:
        with transaction.atomic():  # all or nothing: a half that cannot keep the rules undoes the other
            seats = []
            for arm in (Arm.RANDOM, Arm.SIMILAR):
                seats += group_members(rnd, [m for m in members if arms[m.pk] == arm], history_to=rnd.number - 1,
                                       seed=rnd.engine_seed, start_number=len({s.group_id for s in seats}) + 1,
                                       is_rematch=False, arm=arm)
            return seats, ""
    except MatchingError as error:
        # Split in two, the rules cannot be kept (a block inside one half, say): this round is drawn as usual,
        # outside the experiment, and says so.
        logger.warning("Round %s drawn without the experiment: %s", rnd.pk, error)
        return (group_members(rnd, members, history_to=rnd.number - 1, seed=rnd.engine_seed, start_number=1,
                              is_rematch=False),
                "Drawn without the experiment this round: split in two halves, the draw's rules could not be kept.")


# --- Midway nudge and check-in requests --------------------------------------


def _seats_to_message(rnd: Round, extra: Q | None = None):
    """Seats whose member still wants this round's email: not left, not moved to a new group."""
    seats = (
        Seat.objects.filter(group__round=rnd, membership__isnull=False)
        .exclude(membership__status=MembershipStatus.LEFT)
        .exclude(rematch_outcome=RematchOutcome.REGROUPED)
    )
    if extra is not None:
        seats = seats.filter(extra)
    return seats.select_related("membership__person", "membership__programme").order_by("pk")


def round_send_nudges(*, round_id: int, now: datetime | None = None) -> int:
    """Midway: remind members of groups where nobody has said they met."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = _take_step(round_id, "nudge_sent_at", state=RoundState.DRAWN, now=now)
        if rnd is None:
            return 0
        if now >= rnd.window_ends_at:
            return 0  # caught up after the window: the check-in request says it all
        someone_met = CheckIn.objects.filter(seat__group=OuterRef("group"), met=Met.YES)
        seats = list(_seats_to_message(rnd, Q(checkin__isnull=True)).annotate(met=Exists(someone_met)).filter(met=False))
        outgoing = [emails.seat_message("nudge", seat, rnd) for seat in seats]
        if settings.NOTIFY_API_KEY and settings.NOTIFY_SMS_TEMPLATE_ID:
            outgoing += [emails.as_text_message(message, seat) for seat, message in zip(seats, outgoing, strict=False)
                         if seat.membership.sms_agreed_at is not None]
        return messages_queue(outgoing)


def round_send_checkins(*, round_id: int, now: datetime | None = None) -> int:
    """At the end of the window: ask every member how it went (a signed link, no sign-in)."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = _take_step(round_id, "checkin_sent_at", state=RoundState.DRAWN, now=now)
        if rnd is None:
            return 0
        # Members who have answered already (from the round page, or early) are not asked again, except
        # those who said they had arranged to meet: did they?
        return messages_queue(emails.seat_message("checkin_request", seat, rnd)
                              for seat in _seats_to_message(rnd, Q(checkin__isnull=True) | Q(checkin__met=Met.PLANNED)))


# --- Closing and silent members --------------------------------------------


def round_close(*, round_id: int, now: datetime | None = None) -> Round:
    """Freeze the round, tell its members how it went, and pause anyone silent for three rounds running."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
        if rnd.state != RoundState.DRAWN:
            return rnd
        if now < rnd.close_at:
            raise ApplicationError(f"Round {rnd.number} closes at {rnd.close_at:%Y-%m-%d %H:%M}.")
        rnd.state, rnd.closed_at = RoundState.CLOSED, now
        rnd.save(update_fields=["state", "closed_at"])
        # The round-up email: the round's figures and published learnings, to members who want it.
        figures = round_figures(rnd)
        messages_queue(emails.round_up_message(seat, rnd, figures)
                       for seat in _seats_to_message(rnd, Q(membership__digests=True)))
        memberships_pause_silent(rnd=rnd, now=now)
        return rnd


def memberships_pause_silent(*, rnd: Round, now: datetime) -> int:
    """Members who answered nothing in their last three closed rounds are paused and told how to resume.

    Only rounds drawn after a member last resumed count.
    """
    seats = (
        Seat.objects.filter(group__round__programme=rnd.programme, group__round__state=RoundState.CLOSED,
                            group__is_rematch=False, membership__status=MembershipStatus.ACTIVE,
                            membership__in=Seat.objects.filter(group__round=rnd).values("membership"))
        .filter(Q(membership__resumed_at__isnull=True) | Q(group__round__drawn_at__gt=F("membership__resumed_at")))
        .annotate(answered=Exists(CheckIn.objects.filter(seat__membership=OuterRef("membership"),
                                                         seat__group__round=OuterRef("group__round"))))
        .values_list("membership_id", "group__round__number", "answered")
        .order_by("membership_id", "-group__round__number")
    )
    history: dict[int, list[bool]] = {}
    counted: set[tuple[int, int]] = set()
    for membership_id, number, answered in seats:
        if (membership_id, number) not in counted:  # a member moved by the organisers has two seats in a round
            counted.add((membership_id, number))
            history.setdefault(membership_id, []).append(answered)
    silent = [m for m, answers in history.items() if len(answers) >= SILENT_ROUNDS and not any(answers[:SILENT_ROUNDS])]
    today = _local_day(now, rnd.programme)
    outgoing = []
    for membership in Membership.objects.filter(pk__among=silent).select_related("person", "programme").order_by("pk"):
        membership = membership_pause(membership=membership, until=today + SILENT_PAUSE, reason=PauseReason.SILENT, today=today)
        outgoing.append(emails.paused_silent_message(rnd, membership, rounds=SILENT_ROUNDS))
    messages_queue(outgoing)
    return len(outgoing)


# --- What the scheduler runs -------------------------------------------------


def rounds_advance(*, now: datetime | None = None) -> dict[str, int]:
    """Do every lifecycle step that is due, oldest first; safe to run late, twice or concurrently."""
    now = now or timezone.now()
    done = {"scheduled": 0, "notices": 0, "drawn": 0, "nudges": 0, "checkins": 0, "closed": 0}
    for programme in Programme.objects.order_by("pk"):
        done["scheduled"] += round_schedule_next(programme=programme, now=now) is not None
    due = (Round.objects.filter(state__in=[RoundState.SCHEDULED, RoundState.DRAWN], notice_at__lte=now)
           .order_by("draw_at", "pk"))
    for rnd in due.values_list("pk", "state", "notice_sent_at", "draw_at", "nudge_at", "nudge_sent_at",
                               "window_ends_at", "checkin_sent_at", "close_at"):
        pk, state, notice_sent, draw_at, nudge_at, nudge_sent, window_ends_at, checkin_sent, close_at = rnd
        if state == RoundState.SCHEDULED and notice_sent is None:
            done["notices"] += bool(round_send_notice(round_id=pk, now=now)) or 0
        if state == RoundState.SCHEDULED and draw_at <= now:
            try:
                round_draw(round_id=pk, now=now)
                done["drawn"] += 1
            except ApplicationError:
                logger.exception("Round %s could not be drawn", pk)
                continue
            state = RoundState.DRAWN
        if state == RoundState.DRAWN and nudge_sent is None and nudge_at <= now:
            done["nudges"] += round_send_nudges(round_id=pk, now=now)
        if state == RoundState.DRAWN and checkin_sent is None and window_ends_at <= now:
            done["checkins"] += round_send_checkins(round_id=pk, now=now)
        if state == RoundState.DRAWN and close_at <= now:
            round_close(round_id=pk, now=now)
            done["closed"] += 1
    # A drawn round makes room for the next one.
    for programme in Programme.objects.order_by("pk"):
        done["scheduled"] += round_schedule_next(programme=programme, now=now) is not None
    return done
