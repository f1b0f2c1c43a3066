"""Members' answers after a round (docs/design.md §4, step 6)."""

from __future__ import annotations

from django.db import transaction

from unmentoring.core.errors import ApplicationError
from unmentoring.rounds.enums import Met, RoundState
from unmentoring.rounds.models import CheckIn, Seat


def checkin_record(*, seat_id: int, met: str) -> CheckIn:
    """Record (or change, until the round closes) whether this member met their group."""
    if met not in Met.values:
        raise ApplicationError("Choose whether you met.")
    with transaction.atomic():
        seat = Seat.objects.select_related("group__round").get(pk=seat_id, membership__isnull=False)
        state = seat.group.round.state
        if state == RoundState.CLOSED:
            raise ApplicationError("This round has closed, so its answers can no longer change.")
        if state != RoundState.DRAWN:
            raise ApplicationError("This round has not been drawn yet.")
        checkin, _ = CheckIn.objects.update_or_create(seat=seat, defaults={"met": met})
        return checkin
