"""Reads for the organisers' console. An organiser sees only their own programmes; a site administrator
(an active superuser) sees every programme."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from unmentoring.core.models import AuditEvent
from unmentoring.outcomes.models import Report
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import Met, RematchOutcome, RoundState
from unmentoring.rounds.models import CheckIn, Group, Round, Seat


def programmes_organised(*, person):
    """The programmes this person may run from the console, with the counts its home page shows (never
    counting a report about the person reading)."""
    programmes = Programme.objects.all() if person.is_superuser else Programme.objects.filter(organisers=person)

    def counted(queryset):
        return Coalesce(Subquery(queryset.order_by().values("n")[:1]), 0)

    active = (Membership.objects.filter(programme=OuterRef("pk"), status=MembershipStatus.ACTIVE,
                                        confirmed_at__isnull=False).values("programme").annotate(n=Count("pk")))
    reports = (Report.objects.filter(seat__group__round__programme=OuterRef("pk"), resolved_at__isnull=True)
               .exclude(about=person).values("seat__group__round__programme").annotate(n=Count("pk")))
    return programmes.annotate(active=counted(active), open_reports=counted(reports)).order_by("name")


def programme_organised(*, person, slug: str) -> Programme:
    """The programme, if this person may run it; 404 otherwise (the same for one that does not exist)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not (person.is_superuser or programme.organisers.filter(pk=person.pk).exists()):
        raise Http404("No such programme among those you organise.")
    return programme


def programme_overview(programme: Programme, *, reader) -> dict:
    rounds = list(programme.rounds.order_by("-number")[:3])
    return {
        "next_round": next((r for r in rounds if r.state == RoundState.SCHEDULED), None),
        "latest_rounds": [r for r in rounds if r.state != RoundState.SCHEDULED],
        "members": dict(programme.memberships.filter(confirmed_at__isnull=False).values_list("status")
                        .annotate(n=Count("pk")).values_list("status", "n")),
        "open_reports": list(Report.objects.filter(seat__group__round__programme=programme, resolved_at__isnull=True)
                             .exclude(about=reader).order_by("-created_at")),
    }


def organisers_of(programme: Programme) -> list:
    return list(programme.organisers.order_by("full_name", "email"))


def audit_log(programme: Programme, *, reader):
    """What happened in this programme, newest first. An organiser who was reported does not see the
    report's record (who reported them)."""
    return (AuditEvent.objects.filter(programme_id=programme.pk)
            .exclude(action__startswith="report.", subject=f"person:{reader.pk}")
            .select_related("actor").order_by("-created_at", "-pk"))


def people_named(events) -> dict[str, str]:
    """For a page of audit events, "person:ID" subjects resolved to names (one query)."""
    ids = {int(e.subject.split(":", 1)[1]) for e in events
           if e.subject.startswith("person:") and e.subject.split(":", 1)[1].isdigit()}
    return {f"person:{pk}": name or email
            for pk, name, email in get_user_model().objects.filter(pk__in=ids).values_list("pk", "full_name", "email")}


# --- Rounds ---------------------------------------------------------------------


def rounds_of_programme(programme: Programme):
    """Every round, newest first, with its group count, groups that met and check-ins (one query)."""
    met = Exists(CheckIn.objects.filter(seat__group=OuterRef("pk"), met=Met.YES))
    return (programme.rounds.annotate(
        group_count=Count("groups", distinct=True),
        checked_in=Count("groups__seats__checkin", distinct=True),
        groups_met=Subquery(Group.objects.filter(round=OuterRef("pk")).annotate(met=met).filter(met=True)
                            .values("round").annotate(n=Count("pk")).values("n")[:1]),
    ).order_by("-number"))


def round_of_programme(programme: Programme, number: int) -> Round:
    found = programme.rounds.filter(number=number).first()
    if found is None:
        raise Http404("No such round.")
    return found


def _still_in(seat: Seat) -> bool:
    """As rounds.selectors.still_in_group, for seats already read."""
    return (seat.membership is not None and seat.membership.status != MembershipStatus.LEFT
            and seat.rematch_outcome != RematchOutcome.REGROUPED)


def round_groups(rnd: Round) -> list[Group]:
    """The round's groups with every seat's member, organisation and check-in: what organisers watch. Each
    has ``seated``, its seats in order, and ``present``, how many are still in it."""
    # The round's seats in one query by round, not prefetch_related's list of every group's id (which a
    # 50,000-group round would take past the database's cap on a query's parameters).
    seated = defaultdict(list)
    for seat in Seat.objects.filter(group__round=rnd).select_related("membership__person", "checkin").order_by("pk"):
        seated[seat.group_id].append(seat)
    groups = list(rnd.groups.order_by("number"))
    for group in groups:
        group.seated = seated[group.pk]
        group.present = sum(_still_in(seat) for seat in group.seated)
    return groups


def groups_to_join(rnd: Round, groups: list[Group], *, membership: Membership) -> list[Group]:
    """The groups of ``round_groups`` a member could be moved to: someone still in it, room for one more, not
    the member's own; each with a ``label`` naming who is in it."""
    choices = []
    largest = rnd.programme.group_size + 1
    for group in groups:
        still_in = [seat for seat in group.seated if _still_in(seat)]
        if not still_in or len(still_in) >= largest or any(seat.membership_id == membership.pk for seat in still_in):
            continue
        people = ", ".join(f"{seat.membership.person.full_name} ({seat.organisation})" for seat in still_in)
        alone = " (on their own)" if len(still_in) == 1 else ""
        group.label = f"Group {group.number}: {people}{alone}"
        choices.append(group)
    return choices


def round_reports(rnd: Round) -> list[Report]:
    return list(Report.objects.filter(seat__group__round=rnd).select_related("reporter", "about").order_by("-created_at"))


# --- Members --------------------------------------------------------------------


def members_of(programme: Programme, *, query: str = "", status: str = "", organisation: str = "", rhythm: str = ""):
    """A programme's confirmed members, by name; searched by name, email or organisation and filtered."""
    members = (programme.memberships.filter(confirmed_at__isnull=False).select_related("person")
               .order_by("person__full_name", "pk"))
    if query:
        members = members.filter(Q(person__full_name__icontains=query) | Q(person__email__icontains=query)
                                 | Q(organisation__icontains=query))
    if status:
        members = members.filter(status=status)
    if organisation:
        members = members.filter(organisation__iexact=organisation)
    if rhythm:
        members = members.filter(rhythm=rhythm)
    return members


def organisations_of(programme: Programme) -> list[str]:
    return list(programme.memberships.filter(confirmed_at__isnull=False).order_by("organisation")
                .values_list("organisation", flat=True).distinct())


def member_of_programme(programme: Programme, pk: int) -> Membership:
    found = programme.memberships.select_related("person").filter(pk=pk, confirmed_at__isnull=False).first()
    if found is None:
        raise Http404("No such member.")
    return found


def member_history(membership: Membership, *, reader) -> dict:
    """A member's seats (with who else was in each group and their check-in) and the reports by and about them."""
    seats = list(Seat.objects.filter(membership=membership).select_related("group__round", "checkin")
                 .order_by("-group__round__number", "group__number"))
    others: dict[int, list[Seat]] = {}
    for other in (Seat.objects.filter(group__in=[s.group_id for s in seats]).exclude(membership=membership)
                  .select_related("membership__person").order_by("pk")):
        others.setdefault(other.group_id, []).append(other)
    reports = (Report.objects.filter(seat__group__round__programme=membership.programme).exclude(about=reader)
               .select_related("reporter", "about"))
    person = membership.person
    return {
        "seats": [{"seat": s, "others": others.get(s.group_id, [])} for s in seats],
        "reports_about": list(reports.filter(about=person).order_by("-created_at")),
        "reports_by": list(reports.filter(reporter=person).order_by("-created_at")),
    }


def reports_of(programme: Programme, *, reader) -> list[Report]:
    """A programme's reports, open first then newest; never one about the organiser reading."""
    return list(Report.objects.filter(seat__group__round__programme=programme).exclude(about=reader)
                .select_related("reporter", "about", "seat__group__round")
                .order_by(F("resolved_at").asc(nulls_first=True), "-created_at"))
