"""The console's imports: the old spreadsheet's people (invited, never enrolled) and its past pairings."""

from __future__ import annotations

from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.imports import (
    PeopleCheck,
    UnreadableFile,
    check_people,
    guess_mapping,
    mapping_problems,
    read_table,
)
from unmentoring.programmes.models import Programme
from unmentoring.programmes.services import Invitee, invitations_send
from unmentoring.rounds.history import HISTORY_FIELDS, HistoryCheck, check_history
from unmentoring.rounds.services.history import past_pairings_import


def people_import_check(programme: Programme, data: bytes, overrides: dict[str, str]) -> tuple[PeopleCheck, dict]:
    """Read and check the file; raise UnreadableFile if it cannot be read or its columns mapped."""
    table = read_table(data)
    mapping = {**guess_mapping(table.header), **{k: v for k, v in overrides.items()}}
    mapping = {k: v for k, v in mapping.items() if v}
    if problems := mapping_problems(table.header, mapping):
        raise UnreadableFile(" ".join(problems))
    members = {e.lower() for e in programme.memberships.exclude(status=MembershipStatus.LEFT)
               .values_list("person__email", flat=True)}
    organisations = list(programme.memberships.values_list("organisation", flat=True).distinct())
    return check_people(table, mapping, members=members, organisations=organisations), mapping


def people_import_commit(programme: Programme, check: PeopleCheck, *, actor) -> int:
    return invitations_send(programme=programme, actor=actor, source="import.people", invitees=[
        Invitee(email=r.email, full_name=r.full_name, organisation=r.organisation, role=r.role, phone=r.phone)
        for r in check.ready])


def history_import_check(programme: Programme, data: bytes, overrides: dict[str, str]) -> tuple[HistoryCheck, dict]:
    table = read_table(data)
    mapping = {**guess_mapping(table.header, HISTORY_FIELDS), **overrides}
    mapping = {k: v for k, v in mapping.items() if v}
    if problems := mapping_problems(table.header, mapping, HISTORY_FIELDS):
        raise UnreadableFile(" ".join(problems))
    members = {email.lower(): pk for pk, email in programme.memberships.filter(confirmed_at__isnull=False)
               .values_list("pk", "person__email")}
    return check_history(table, mapping, members=members), mapping


def history_import_commit(programme: Programme, check: HistoryCheck, *, actor) -> int:
    return past_pairings_import(programme=programme, pairs=check.pairs, actor=actor)
