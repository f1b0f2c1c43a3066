"""The emails a report sends: the organisers are told at once, and the reporter hears that they were.

Neither names anyone in its subject, and the organisers' email carries no names and none of what was
written: it waits in the outbox, and a mailbox may be shared. The link leads to the report itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from unmentoring.notifications.services import Outgoing
from unmentoring.outcomes.models import Report

REPORT_RECEIVED = "report_received"
REPORT_ACKNOWLEDGED = "report_acknowledged"


def report_readers(report: Report, programme) -> list:
    """Who hears about a report: the programme's active organisers, never the person it is about; the
    site's administrators when no organiser is left to read it."""
    readers = [p for p in programme.organisers.filter(is_active=True).order_by("pk") if p.pk != report.about_id]
    if not readers:
        readers = list(get_user_model().objects.filter(is_active=True, is_superuser=True)
                       .exclude(pk=report.about_id).order_by("pk"))
    return readers


def report_received_messages(report: Report, programme, round_number: int) -> list[Outgoing]:
    link = settings.SITE_URL + reverse("console:report", args=[report.pk])
    return [
        Outgoing(
            template=REPORT_RECEIVED,
            to_email=reader.email,
            person_id=reader.pk,
            programme_id=programme.pk,
            idempotency_key=f"{REPORT_RECEIVED}:{report.pk}:{reader.pk}",
            context={"name": reader.full_name, "programme_name": programme.name, "round_number": round_number,
                     "report_link": link, "blocked": report.blocked},
        )
        for reader in report_readers(report, programme)
    ]


def report_acknowledged_message(report: Report, programme) -> Outgoing:
    reporter = report.reporter
    return Outgoing(
        template=REPORT_ACKNOWLEDGED,
        to_email=reporter.email,
        person_id=reporter.pk,
        programme_id=programme.pk,
        idempotency_key=f"{REPORT_ACKNOWLEDGED}:{report.pk}",
        context={"name": reporter.full_name, "programme_name": programme.name, "blocked": report.blocked,
                 "contact_email": programme.contact_email},
    )
