"""Organisers steering a round from the console: draw it now, cancel it, draw latecomers, move a member.

Each locks the round's row (as the draw and the re-match do), checks the round is in a state where the
change makes sense, writes an audit record, and tells the people it affects, all in one transaction.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from unmentoring.core.errors import ApplicationError
from unmentoring.core.services import audit_record
from unmentoring.matching import MatchingError
from unmentoring.notifications.services import messages_queue
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.models import Membership, Programme
from unmentoring.programmes.services import memberships_set_first_in_line
from unmentoring.rounds import emails
from unmentoring.rounds.enums import RematchOutcome, RoundState
from unmentoring.rounds.models import Group, Round, Seat
from unmentoring.rounds.selectors import blocked_pairs, latecomers, notified_memberships, still_in_group
from unmentoring.rounds.services.lifecycle import group_members, round_draw, round_schedule_next
from unmentoring.rounds.services.rematch import partners_tell_left_behind


def _reason(reason: str, *, limit: int) -> str:
    """The organisers' reason, as a form would have cleaned it (the services are the rules, not the forms)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why: the people affected are told.")
    if len(reason) > limit:
        raise ApplicationError(f"The reason must be {limit} characters or fewer.")
    return reason


def round_draw_now(*, round_id: int, actor, now: datetime | None = None) -> Round:
    """Draw a scheduled round now rather than at its draw time (members due today, as the draw would), and
    schedule the one after it, as the tick does after a draw."""
    now = now or timezone.now()
    rnd = round_draw(round_id=round_id, now=now, early_by=actor)
    round_schedule_next(programme=rnd.programme, now=now)
    return rnd


@transaction.atomic
def round_cancel(*, round_id: int, reason: str, actor, now: datetime | None = None) -> Round:
    """Cancel a round that has not been drawn: it is kept (numbers are never reused), nobody is matched in
    it, members who were told of it are told it is off, and the next round is scheduled after it."""
    now = now or timezone.now()
    reason = _reason(reason, limit=1000)
    # The programme first, then the round, in the order a settings change takes them (programme_save, then
    # round_retime_scheduled), so the two cannot deadlock.
    Programme.objects.select_for_update().filter(rounds__pk=round_id).first()
    rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
    if rnd.state != RoundState.SCHEDULED:
        raise ApplicationError(f"Round {rnd.number} is {rnd.get_state_display().lower()}: only a round that has not "
                               "been drawn can be cancelled.")
    # Exactly those who were sent its notice (and have not left since), not whoever would be due today.
    told = list(Membership.objects.filter(pk__among=notified_memberships(rnd)).exclude(status=MembershipStatus.LEFT)
                .select_related("person", "programme").order_by("pk"))
    rnd.state, rnd.cancelled_at, rnd.draw_note = RoundState.CANCELLED, now, "Cancelled by the organisers."
    rnd.save(update_fields=["state", "cancelled_at", "draw_note"])
    audit_record(actor=actor, action="round.cancel", subject=f"round:{rnd.number}", detail={"reason": reason},
                 programme=rnd.programme_id)
    following = round_schedule_next(programme=rnd.programme, now=now)
    messages_queue(emails.round_cancelled_message(rnd, m, reason=reason, next_round=following) for m in told)
    return rnd


def _open_round(round_id: int, now: datetime) -> Round:
    """The round, locked, if its groups may still change: drawn, and its window not over."""
    rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
    if rnd.groups_can_change(now):
        return rnd
    if rnd.state != RoundState.DRAWN:
        raise ApplicationError(f"Round {rnd.number} is {rnd.get_state_display().lower()}: groups change only while "
                               "a round is open.")
    raise ApplicationError(f"The window for round {rnd.number} has ended: its groups can no longer change.")


def _next_group_number(rnd: Round) -> int:
    return (rnd.groups.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def latecomers_draw(*, round_id: int, membership_ids: list[int], actor, now: datetime | None = None) -> list[Group]:
    """Group members who joined after the draw among themselves, as the draw would (no blocks, repeats
    avoided, the programme's organisation rule), and send their intros."""
    now = now or timezone.now()
    with transaction.atomic():
        rnd = _open_round(round_id, now)
        waiting = {m.pk: m for m in latecomers(rnd)}
        wanted = set(membership_ids)
        if wanted - set(waiting):
            raise ApplicationError("Someone you chose is no longer waiting for a group (they may have one now, or "
                                   "have left or paused). Look at the list again.")
        if len(wanted) < 2:
            raise ApplicationError("Choose at least two latecomers to draw. To put one person in a group that "
                                   "exists, use “Add to a group”.")
        chosen = [waiting[pk] for pk in sorted(wanted)]
        start = _next_group_number(rnd)
        try:
            seats = group_members(rnd, chosen, history_to=rnd.number, seed=rnd.engine_seed + start,
                                  start_number=start, is_rematch=False)
        except MatchingError as error:
            names = {str(m.pk): m.person.full_name for m in chosen}
            raise ApplicationError("These latecomers cannot be grouped: "
                                   + re.sub(r"'(\d+)'", lambda found: names.get(found[1], "someone"), str(error))) from error
        memberships_set_first_in_line(membership_ids=wanted, first=False)
        groups = {seat.group_id: seat.group for seat in seats}
        for seat in seats:
            audit_record(actor=actor, action="round.latecomer_drawn", subject=f"person:{seat.membership.person_id}",
                         detail={"round": rnd.number, "group": seat.group.number}, programme=rnd.programme_id)
        messages_queue(emails.intro_messages(seats))
        return sorted(groups.values(), key=lambda g: g.number)


def member_move(*, round_id: int, membership_id: int, to_group_id: int, reason: str, actor,
                now: datetime | None = None) -> Seat:
    """Move a member into another group of an open round (splitting a trio is moving one of its three), or
    add a latecomer to a group. As with a re-match, the old seat stays, marked as moved on, so the round
    remembers who was grouped with whom (the engine avoids the pair again). The member is emailed the new
    group with the organisers' reason; the group they join gets its intro again naming them; anyone still in
    the group they leave hears they have gone and may ask for a new match."""
    now = now or timezone.now()
    reason = _reason(reason, limit=500)
    with transaction.atomic():
        rnd = _open_round(round_id, now)
        membership = (Membership.objects.select_related("person", "programme")
                      .filter(pk=membership_id, programme=rnd.programme).first())
        if membership is None or membership.status == MembershipStatus.LEFT or not membership.person.is_active:
            raise ApplicationError("They are no longer in this programme.")
        name = membership.person.full_name
        target = Group.objects.filter(pk=to_group_id, round=rnd).first()
        if target is None:
            raise ApplicationError("Choose a group of this round.")
        seat = (Seat.objects.select_related("group", "checkin").filter(group__round=rnd, membership=membership)
                .exclude(rematch_outcome=RematchOutcome.REGROUPED).order_by("-pk").first())
        if seat is None and membership.pk not in {m.pk for m in latecomers(rnd)}:
            raise ApplicationError(f"{name} is not waiting for a group in round {rnd.number} (they may have "
                                   "skipped it, be paused, or not be due by how often they take part).")
        if seat is not None and seat.group_id == target.pk:
            raise ApplicationError(f"{name} is in group {target.number} already.")
        if seat is not None and hasattr(seat, "checkin"):
            raise ApplicationError(f"{name} has checked in for group {seat.group.number}, so they stay in it.")
        others = list(still_in_group(target.seats.all()).select_related("membership__person", "membership__programme")
                      .order_by("pk"))
        if not others:
            raise ApplicationError(f"Nobody is left in group {target.number}: choose a group with someone in it.")
        largest = rnd.programme.group_size + 1  # as the draw makes one larger group when the numbers are odd
        if len(others) + 1 > largest:
            raise ApplicationError(f"Group {target.number} has {len(others)} people already: groups are of "
                                   f"{rnd.programme.group_size}, or {largest} when the numbers do not divide.")
        if any(str(membership.pk) in pair for pair in blocked_pairs([membership, *(o.membership for o in others)])):
            raise ApplicationError(f"{name} cannot join group {target.number}: one of them has asked not to be "
                                   "matched with the other.")
        event = audit_record(actor=actor, action="member.move" if seat else "round.latecomer_added",
                             subject=f"person:{membership.person_id}",
                             detail={"round": rnd.number, "from_group": seat.group.number if seat else None,
                                     "to_group": target.number, "reason": reason},
                             programme=rnd.programme_id)
        if seat is not None:
            partners_tell_left_behind(seat=seat, why=emails.LEFT_BEHIND_MOVED, now=now)
            seat.rematch_outcome = RematchOutcome.REGROUPED
            seat.save(update_fields=["rematch_outcome"])
        # Back to a group they were moved out of: their seat there comes back.
        moved, _ = Seat.objects.update_or_create(
            group=target, membership=membership,
            defaults={"organisation": membership.organisation, "rematch_outcome": "", "rematch_requested_at": None,
                      "arm": seat.arm if seat else ""})  # an experiment's half stays the member's
        moved.membership = membership
        Group.objects.filter(pk__in=[target.pk, *([seat.group_id] if seat else [])]).update(revision=F("revision") + 1)
        memberships_set_first_in_line(membership_ids=[membership.pk], first=False)
        messages_queue([
            *emails.intro_changed_messages([moved], kind="moved" if seat else "added", note=f"Their note: {reason}",
                                           change=event.pk),
            *emails.intro_changed_messages(others, kind="joined", note=f"{name} has joined your group.", change=event.pk),
        ])
        return moved
