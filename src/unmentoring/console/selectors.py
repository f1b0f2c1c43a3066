"""Reads for the organisers' console. An organiser sees only their own programmes; a site administrator
(an active superuser) sees every programme."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404

from unmentoring.core.models import AuditEvent
from unmentoring.outcomes.models import Report
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.models import Programme
from unmentoring.rounds.enums import RoundState


def programmes_organised(*, person):
    """The programmes this person may run from the console, with the counts its home page shows."""
    programmes = Programme.objects.all() if person.is_superuser else Programme.objects.filter(organisers=person)
    return (programmes.annotate(
        active=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE,
                                              memberships__confirmed_at__isnull=False), distinct=True),
        open_reports=Count("rounds__groups__seats__reports",
                           filter=Q(rounds__groups__seats__reports__resolved_at__isnull=True), distinct=True),
    ).order_by("name"))


def programme_organised(*, person, slug: str) -> Programme:
    """The programme, if this person may run it; 404 otherwise (the same for one that does not exist)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not (person.is_superuser or programme.organisers.filter(pk=person.pk).exists()):
        raise Http404("No such programme among those you organise.")
    return programme


def programme_overview(programme: Programme) -> dict:
    rounds = list(programme.rounds.order_by("-number")[:3])
    return {
        "next_round": next((r for r in rounds if r.state == RoundState.SCHEDULED), None),
        "latest_rounds": [r for r in rounds if r.state != RoundState.SCHEDULED],
        "members": dict(programme.memberships.filter(confirmed_at__isnull=False).values_list("status")
                        .annotate(n=Count("pk")).values_list("status", "n")),
        "open_reports": list(Report.objects.filter(seat__group__round__programme=programme, resolved_at__isnull=True)
                             .order_by("-created_at")),
    }


def organisers_of(programme: Programme) -> list:
    return list(programme.organisers.order_by("full_name", "email"))


def audit_log(programme: Programme):
    """What happened in this programme, newest first, with the names of the people it was about (when they
    still exist)."""
    return AuditEvent.objects.filter(programme_id=programme.pk).select_related("actor").order_by("-created_at", "-pk")


def people_named(events) -> dict[str, str]:
    """For a page of audit events, "person:ID" subjects resolved to names (one query)."""
    ids = {int(e.subject.split(":", 1)[1]) for e in events
           if e.subject.startswith("person:") and e.subject.split(":", 1)[1].isdigit()}
    return {f"person:{pk}": name or email
            for pk, name, email in get_user_model().objects.filter(pk__in=ids).values_list("pk", "full_name", "email")}
