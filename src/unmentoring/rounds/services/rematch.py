""""My match hasn't replied or has left": new matches in the middle of a round (docs/design.md §4)."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from itertools import combinations

from django.db import transaction
from django.utils import timezone

from unmentoring.core.errors import ApplicationError
from unmentoring.core.services import audit_record
from unmentoring.matching import MatchingError
from unmentoring.notifications.services import messages_queue
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.services import memberships_set_first_in_line
from unmentoring.rounds import emails
from unmentoring.rounds.enums import Met, RematchOutcome, RoundState
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.selectors import still_in_group
from unmentoring.rounds.services.lifecycle import group_members


def seat_request_rematch(*, seat_id: int, now: datetime | None = None) -> Seat:
    """Regroup this member with others of this round who asked too.

    With nobody else waiting, the member is told so and will be first in
    line next round; a later request in the same window pairs them after all.
    """
    now = now or timezone.now()
    with transaction.atomic():
        round_id = Seat.objects.filter(pk=seat_id).values_list("group__round_id", flat=True).get()
        rnd = Round.objects.select_for_update().select_related("programme").get(pk=round_id)
        seat = Seat.objects.select_related("membership__person", "membership__programme").get(pk=seat_id)
        if seat.membership is None or seat.membership.status == MembershipStatus.LEFT:
            raise ApplicationError("You are no longer in this programme.")
        if rnd.state != RoundState.DRAWN or now >= rnd.window_ends_at:
            raise ApplicationError(f"The window for round {rnd.number} has closed. You will be matched again next round.")
        if seat.rematch_outcome == RematchOutcome.REGROUPED:
            return seat
        if seat.rematch_requested_at is None:
            seat.rematch_requested_at = now
            seat.save(update_fields=["rematch_requested_at"])
            partners_tell_left_behind(seat=seat, why=emails.LEFT_BEHIND_REMATCH, now=now)
        waiting = list(
            Seat.objects.filter(group__round=rnd, rematch_requested_at__isnull=False, membership__isnull=False)
            .exclude(rematch_outcome=RematchOutcome.REGROUPED)
            .exclude(membership__status=MembershipStatus.LEFT)
            .select_related("membership__person")
            .order_by("rematch_requested_at", "pk")
        )
        grouped = _regroup(rnd, list({w.membership_id: w for w in waiting}.values()))
        if any(g.pk == seat.pk for g in grouped):
            seat.refresh_from_db()
            return seat
        seat.rematch_outcome = RematchOutcome.WAITING
        seat.save(update_fields=["rematch_outcome"])
        memberships_set_first_in_line(membership_ids=[seat.membership_id], first=True)
        messages_queue([emails.rematch_waiting_message(seat, rnd)])
        return seat


def _regroup(rnd: Round, candidates: list[Seat]) -> list[Seat]:
    """Group as many waiting members as can be, never with someone they were grouped with this round.

    When that is impossible for everyone, the latest requester from the group
    with the most people waiting steps back, and the engine tries again.
    Returns the seats that were regrouped.
    """
    candidates = list(candidates)
    start = (rnd.groups.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    while len(candidates) >= 2:
        groups_of = defaultdict(set)  # every group of this round each candidate has sat in, re-matches included
        for membership_id, group_id in Seat.objects.filter(
            group__round=rnd, membership_id__among=[c.membership_id for c in candidates]
        ).values_list("membership_id", "group_id"):
            groups_of[membership_id].add(group_id)
        same_group = [
            (str(a.membership_id), str(b.membership_id))
            for a, b in combinations(candidates, 2)
            if groups_of[a.membership_id] & groups_of[b.membership_id]
        ]
        for candidate in candidates:
            candidate.membership.programme = rnd.programme
        try:
            new_seats = group_members(rnd, [c.membership for c in candidates], history_to=rnd.number,
                                      seed=rnd.engine_seed + start, start_number=start, is_rematch=True,
                                      also_blocked=same_group)
        except MatchingError:
            clusters = Counter(c.group_id for c in candidates)
            crowded = max(clusters, key=lambda group_id: (clusters[group_id], group_id))
            candidates.remove([c for c in candidates if c.group_id == crowded][-1])
            continue
        Seat.objects.filter(pk__among=[c.pk for c in candidates]).update(rematch_outcome=RematchOutcome.REGROUPED)
        memberships_set_first_in_line(membership_ids=[c.membership_id for c in candidates], first=False)
        messages_queue(emails.intro_messages(new_seats))
        return candidates
    return []


def partners_tell_left_behind(*, seat: Seat, why: str, now: datetime) -> int:
    """The rest of a group, while its round's window is open, hear that ``seat``'s member has gone (left the
    programme, deleted their account, or asked for a new match) and are offered a new match themselves.

    Not told: anyone who has gone too, has already asked for a new match, or has said they met.
    Call it inside the transaction that makes the going true; returns how many were told.
    """
    rnd = Round.objects.select_related("programme").get(pk=seat.group.round_id)
    if rnd.state != RoundState.DRAWN or now >= rnd.window_ends_at:
        return 0
    still_in = list(
        still_in_group(Seat.objects.filter(group_id=seat.group_id).exclude(pk=seat.pk))
        .select_related("membership__person", "membership__programme", "checkin")
        .order_by("pk")
    )
    told = [other for other in still_in
            if other.rematch_requested_at is None and getattr(getattr(other, "checkin", None), "met", "") != Met.YES]
    return messages_queue(emails.left_behind_message(other, rnd, gone=seat, why=why, others_left=len(still_in) - 1)
                          for other in told)


@transaction.atomic
def intro_resend(*, seat_id: int, actor) -> None:
    """An organiser sends a member's intro again (it went to spam, say), while the round is open; audited."""
    seat = Seat.objects.select_related("group__round", "membership__person").filter(pk=seat_id).first()
    if seat is None or seat.membership is None or seat.membership.status == MembershipStatus.LEFT:
        raise ApplicationError("That member is no longer in this group.")
    if seat.group.round.state != RoundState.DRAWN:
        raise ApplicationError("Intros are sent again only while the round is open.")
    if seat.rematch_outcome == RematchOutcome.REGROUPED:
        raise ApplicationError("They have a new match: send that intro instead.")
    [intro] = emails.intro_messages([seat])
    messages_queue([replace(intro, idempotency_key=f"intro-again:{seat.pk}:{uuid.uuid4().hex}")])
    audit_record(actor=actor, action="intro.resend", subject=f"person:{seat.membership.person_id}",
                 programme=seat.group.round.programme_id)
