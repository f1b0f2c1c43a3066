"""Members' answers after a round (docs/design.md §4, step 6), and what becomes of a published learning."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.utils import timezone

from unmentoring.core.errors import ApplicationError
from unmentoring.core.forms import describe_character, hidden_character
from unmentoring.core.kept import kept_query
from unmentoring.core.services import audit_record
from unmentoring.notifications.enums import MessageStatus
from unmentoring.notifications.models import Message
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.rounds.enums import Met, Minutes, NotMetReason, Publish, RoundState
from unmentoring.rounds.models import CheckIn, Round, Seat


def link_problem(url: str) -> str | None:
    """What is wrong with a link a member shares, in words for them; None if nothing."""
    if (char := hidden_character(url)) is not None or (char := next((c for c in url if c.isspace()), None)):
        return f"The link must not include spaces or hidden characters (it has {describe_character(char)})"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter a link that starts with https:// or http://"
    if "@" in parts.netloc:
        return "Enter the link without a name or password before the address"
    return None


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
        if self.met != Met.NO and (self.not_met_reason or self.not_met_detail):
            wrong.append("What got in the way is only for those who did not meet.")
        if self.met != Met.YES and (self.minutes is not None or self.challenge is not None or self.learned
                                    or self.shared_url or self.publish != Publish.PRIVATE):
            wrong.append("How it went is only for those who met.")
        if self.met == Met.NO and self.not_met_reason not in NotMetReason.values:
            wrong.append("Choose what got in the way.")
        if self.met == Met.YES and self.challenge not in range(1, 6):
            wrong.append("Challenge must be from 1 to 5.")
        if self.minutes is not None and self.minutes not in Minutes.values:
            wrong.append("Minutes must be 15, 30, 45 or 60.")
        if len(self.not_met_detail) > 200 or len(self.learned) > 1000 or len(self.shared_url) > 500:
            wrong.append("An answer is too long.")
        if self.shared_url and (problem := link_problem(self.shared_url)):
            wrong.append(problem + ".")
        if (hidden_character(self.learned, multiline=True) is not None
                or hidden_character(self.not_met_detail) is not None):
            wrong.append("An answer includes hidden characters.")
        if self.publish not in Publish.values:
            wrong.append("Choose whether we may share what you learned.")
        if self.publish != Publish.PRIVATE and not self.learned:
            wrong.append("There is nothing to publish: write what you learned.")
        if self.publish == Publish.ANONYMOUS and self.shared_url:
            wrong.append("A link can show who you are: it cannot be published without your name.")
        return wrong


# How long a check-in waits for a lock on PostgreSQL before the member is told the site is busy (503, "try
# again"). A close holds the round's row while it queues every member's round-up: two minutes at 100,000
# members (docs/benchmarks.md). Each waiting check-in would hold a web thread all that time.
CHECKIN_LOCK_WAIT_MS = 5000


def _round_state_locked(round_id: int) -> str:
    """The round's state, its row locked until the transaction ends, as round_close locks it: an answer
    cannot slip in after the close. On PostgreSQL the lock is shared (FOR SHARE), so members' check-ins go
    side by side and only a close (FOR UPDATE) waits for them, and they for it, at most
    CHECKIN_LOCK_WAIT_MS. SQLite lets one writer in at a time anyway (its own busy timeout applies)."""
    if connection.vendor != "postgresql":
        return Round.objects.select_for_update().values_list("state", flat=True).get(pk=round_id)
    assert connection.in_atomic_block, "the lock lasts until the transaction ends: take it inside one"
    table, quote = Round._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:  # Django's querysets lock only FOR UPDATE
        # The wait is limited for this one statement and the setting put back straight after: set alone, it
        # would last to the end of the outermost transaction, whoever called this. (If the wait runs out, the
        # rollback of this transaction or savepoint puts it back.)
        cursor.execute("SELECT current_setting('lock_timeout')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(CHECKIN_LOCK_WAIT_MS)}ms"])
        cursor.execute(f"SELECT {quote('state')} FROM {quote(table)} WHERE {quote('id')} = %s FOR SHARE",  # noqa: S608 (names from the model)
                       [round_id])
        state = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
        return state


@kept_query
def _round_of_seat(*, seat_id: int):
    return Seat.objects.filter(pk=seat_id, membership__isnull=False).values_list("group__round_id", flat=True)[:1]


@kept_query
def _seat_for_checkin(*, seat_id: int):
    return Seat.objects.select_related("group__round", "membership").filter(pk=seat_id)[:1]


def _seat_of_open_round(seat_id: int) -> Seat:
    round_ids = _round_of_seat(seat_id=seat_id)
    state = _round_state_locked(round_ids[0]) if round_ids else None
    seats = _seat_for_checkin(seat_id=seat_id) if round_ids else []
    if not seats:
        raise Seat.DoesNotExist("Seat matching query does not exist.")  # as .get() said
    seat = seats[0]
    if seat.membership.status == MembershipStatus.LEFT:
        raise ApplicationError("You have left this programme, so there is nothing to check in.")
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
            round_ups_rerender(round_id=checkin.seat.group.round_id)
        return checkin


def round_ups_rerender(*, round_id: int) -> int:
    """Round-up emails still waiting to go are written again when sent, with the learnings as they are now
    (one that failed once and waits to be retried was already written)."""
    return Message.objects.filter(template="round_up", status=MessageStatus.QUEUED, context__round_id=round_id,
                                  rendered_at__isnull=False).update(rendered_at=None)


def checkin_hide(*, checkin_id: int, actor, hidden: bool = True) -> CheckIn:
    """An organiser takes a learning off the feed (or puts it back); audited, the member's choice kept."""
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin_id)
        checkin.hidden_at = timezone.now() if hidden else None
        checkin.save(update_fields=["hidden_at", "updated_at"])
        round_ups_rerender(round_id=checkin.seat.group.round_id)
        audit_record(actor=actor, action="checkin.hide" if hidden else "checkin.unhide", subject=f"checkin:{checkin.pk}",
                     programme=checkin.seat.group.round.programme_id)
        return checkin
