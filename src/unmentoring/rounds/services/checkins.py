"""Members' answers after a round (docs/design.md §4, step 6), and what becomes of a published learning."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from unmentoring.core.errors import ApplicationError
from unmentoring.core.services import audit_record
from unmentoring.rounds.enums import Met, NotMetReason, Publish, RoundState
from unmentoring.rounds.models import CheckIn, Seat


@dataclass(frozen=True)
class CheckInAnswer:
    """What a member answered; the fields and values are the check-in's public contract (README)."""

    met: str
    not_met_reason: str = ""
    not_met_detail: str = ""
    minutes: int | None = None
    challenge: int | None = None
    learned: str = ""
    shared_url: str = ""
    publish: str = Publish.PRIVATE

    def problems(self) -> list[str]:
        """What is wrong with an answer that did not come through the form (the form says it field by field)."""
        wrong = []
        if self.met not in Met.values:
            wrong.append("Choose whether you met.")
        if self.not_met_reason and self.not_met_reason not in NotMetReason.values:
            wrong.append("Choose what got in the way.")
        if self.challenge is not None and not 1 <= self.challenge <= 5:
            wrong.append("Challenge must be from 1 to 5.")
        if self.publish not in Publish.values:
            wrong.append("Choose whether we may share what you learned.")
        if self.publish != Publish.PRIVATE and not self.learned:
            wrong.append("There is nothing to publish: write what you learned.")
        return wrong


def _seat_of_open_round(seat_id: int) -> Seat:
    seat = Seat.objects.select_related("group__round").select_for_update(of=("self",)).get(pk=seat_id, membership__isnull=False)
    state = seat.group.round.state
    if state == RoundState.CLOSED:
        raise ApplicationError("This round has closed, so its answers can no longer change.")
    if state != RoundState.DRAWN:
        raise ApplicationError("This round has not been drawn yet.")
    return seat


def checkin_record(*, seat_id: int, answer: CheckInAnswer) -> CheckIn:
    """Record (or change, until the round closes) this member's own check-in for this group."""
    if problems := answer.problems():
        raise ApplicationError(" ".join(problems))
    with transaction.atomic():
        seat = _seat_of_open_round(seat_id)
        checkin, _ = CheckIn.objects.update_or_create(seat=seat, defaults=asdict(answer))
        return checkin


def checkin_unpublish(*, seat_id: int) -> CheckIn:
    """A member takes their learning off every public page, at any time (after the round closes too)."""
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(seat_id=seat_id, seat__membership__isnull=False)
        if checkin.publish != Publish.PRIVATE:
            checkin.publish = Publish.PRIVATE
            checkin.save(update_fields=["publish", "updated_at"])
        return checkin


def checkin_hide(*, checkin_id: int, actor, hidden: bool = True) -> CheckIn:
    """An organiser takes a learning off the feed (or puts it back); audited, the member's choice kept."""
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin_id)
        checkin.hidden_at = timezone.now() if hidden else None
        checkin.save(update_fields=["hidden_at", "updated_at"])
        audit_record(actor=actor, action="checkin.hide" if hidden else "checkin.unhide", subject=f"checkin:{checkin.pk}")
        return checkin
