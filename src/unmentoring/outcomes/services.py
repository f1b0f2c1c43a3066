from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from unmentoring.accounts.services import block_add
from unmentoring.core.errors import ApplicationError
from unmentoring.core.services import audit_record
from unmentoring.notifications.services import messages_queue
from unmentoring.outcomes.emails import report_acknowledged_message, report_received_messages
from unmentoring.outcomes.models import Report
from unmentoring.rounds.models import Seat


@transaction.atomic
def report_submit(*, seat: Seat, about: Seat, what_happened: str, block: bool) -> Report:
    """Record a concern about someone in the reporter's group; optionally never match them again."""
    if about.group_id != seat.group_id or about.pk == seat.pk or about.membership is None or seat.membership is None:
        raise ApplicationError("You can only report someone in your own group.")
    reporter, person = seat.membership.person, about.membership.person
    report = Report.objects.create(seat=seat, reporter=reporter, about=person, what_happened=what_happened, blocked=block)
    if block:
        block_add(blocker=reporter, blocked=person)
    rnd = seat.group.round
    audit_record(actor=reporter, action="report.submit", subject=f"person:{person.pk}", detail={"report": report.pk, "block": block},
                 programme=rnd.programme_id)
    # Sent once this commits: the organisers at once, and the reporter an acknowledgement.
    messages_queue([*report_received_messages(report, rnd.programme, rnd.number),
                    report_acknowledged_message(report, rnd.programme)])
    return report


@transaction.atomic
def report_resolve(*, report_id: int, actor, resolved: bool = True, note: str = "") -> Report:
    """An organiser marks a report dealt with, with a note of what they did (or reopens it); audited."""
    if len(note) > 2000:
        raise ApplicationError("The note must be 2000 characters or fewer.")
    report = Report.objects.select_for_update(of=("self",)).select_related("seat__group__round").get(pk=report_id)
    report.resolved_at = timezone.now() if resolved else None
    if note.strip():
        report.resolution_note = note.strip()
    report.save(update_fields=["resolved_at", "resolution_note"])
    audit_record(actor=actor, action="report.resolve" if resolved else "report.reopen", subject=f"report:{report.pk}",
                 programme=report.seat.group.round.programme_id if report.seat else None)
    return report
