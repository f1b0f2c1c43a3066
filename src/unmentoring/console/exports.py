"""A programme's data as tables, for its organisers to download (console) or script (`unmentoring export`).

Personal data: only ever for that programme's organisers and the site's administrators.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder

from unmentoring.core.spreadsheets import csv_text
from unmentoring.programmes.models import Programme
from unmentoring.rounds.models import CheckIn, Seat

TABLES = ("members", "rounds", "groups", "checkins")
FORMATS = ("csv", "json")


def _when(moment) -> str:
    return moment.isoformat() if moment else ""


def _members(programme: Programme) -> tuple[list[str], Iterator[list]]:
    header = ["name", "email", "organisation", "role", "phone", "status", "paused_until", "rhythm", "round_up_emails",
              "joined", "left"]
    members = programme.memberships.filter(confirmed_at__isnull=False).select_related("person").order_by("pk")
    return header, ([m.person.full_name, m.person.email, m.organisation, m.role, m.phone, m.status,
                     m.paused_until.isoformat() if m.paused_until else "", m.rhythm, m.digests,
                     _when(m.confirmed_at), _when(m.left_at)] for m in members.iterator())


def _rounds(programme: Programme):
    header = ["round", "state", "notice_at", "draw_at", "window_ends_at", "close_at", "drawn_at", "closed_at",
              "cancelled_at", "seed_sha256", "seed"]
    return header, ([r.number, r.state, _when(r.notice_at), _when(r.draw_at), _when(r.window_ends_at), _when(r.close_at),
                     _when(r.drawn_at), _when(r.closed_at), _when(r.cancelled_at), r.seed_sha256, r.seed if r.seed_revealed else ""]
                    for r in programme.rounds.order_by("number"))


def _groups(programme: Programme):
    header = ["round", "group", "new_match", "name", "email", "organisation", "asked_for_new_match", "explanation"]
    seats = (Seat.objects.filter(group__round__programme=programme)
             .select_related("group__round", "membership__person").order_by("group__round__number", "group__number", "pk"))
    return header, ([s.group.round.number, s.group.number, s.group.is_rematch,
                     s.membership.person.full_name if s.membership else "", s.membership.person.email if s.membership else "",
                     s.organisation, s.rematch_outcome, s.group.explanation] for s in seats.iterator())


def _checkins(programme: Programme):
    header = ["round", "group", "name", "email", "organisation", "met", "not_met_reason", "not_met_detail", "minutes",
              "challenge", "learned", "shared_url", "publish", "hidden_at", "answered_at", "changed_at"]
    checkins = (CheckIn.objects.filter(seat__group__round__programme=programme)
                .select_related("seat__group__round", "seat__membership__person")
                .order_by("seat__group__round__number", "seat__group__number", "seat__pk"))
    return header, ([c.seat.group.round.number, c.seat.group.number,
                     c.seat.membership.person.full_name if c.seat.membership else "",
                     c.seat.membership.person.email if c.seat.membership else "", c.seat.organisation, c.met,
                     c.not_met_reason, c.not_met_detail, c.minutes or "", c.challenge or "", c.learned, c.shared_url,
                     c.publish, _when(c.hidden_at), _when(c.created_at), _when(c.updated_at)] for c in checkins.iterator())


_BUILDERS = {"members": _members, "rounds": _rounds, "groups": _groups, "checkins": _checkins}


def export_table(programme: Programme, table: str, fmt: str) -> str:
    """One table of a programme as CSV (neutralised for spreadsheets) or JSON (a list of objects)."""
    if table not in TABLES:
        raise ValueError(f"No table {table!r}: choose one of {', '.join(TABLES)}.")
    if fmt not in FORMATS:
        raise ValueError(f"No format {fmt!r}: choose csv or json.")
    header, rows = _BUILDERS[table](programme)
    if fmt == "csv":
        return csv_text(header, rows)
    return json.dumps([dict(zip(header, row, strict=True)) for row in rows], cls=DjangoJSONEncoder, ensure_ascii=False,
                      indent=1) + "\n"
