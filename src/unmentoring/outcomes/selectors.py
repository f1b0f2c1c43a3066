"""Reads for pages about reports."""

from __future__ import annotations

from unmentoring.outcomes.models import Report


def report_for_reader(*, pk: int, person) -> Report | None:
    """A report, for one of its programme's organisers or a site administrator; never for the person it is
    about (an organiser can be reported too). None otherwise."""
    report = (Report.objects.select_related("reporter", "about", "seat__group__round__programme", "seat__membership")
              .filter(pk=pk).first())
    if report is None or report.about_id == person.pk:
        return None
    if person.is_superuser and person.is_active:
        return report
    if report.seat is None:
        return None
    programme = report.seat.group.round.programme
    return report if programme.organisers.filter(pk=person.pk, is_active=True).exists() else None
