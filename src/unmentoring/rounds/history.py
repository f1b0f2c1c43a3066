"""Past pairings from the spreadsheet era: who met whom, and when, before this service ran the programme.

A row is a round or month and two members' email addresses (a trio: a third, or the trio as its three
pairs). Someone who is not a member is reported, never guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from unmentoring.accounts.services import normalise_email
from unmentoring.programmes.imports import Table

HISTORY_FIELDS = {
    "round": ("Round or month", ["round", "month", "date", "when", "round or month", "round month"], True),
    "person_a": ("First person's email", ["person a", "email a", "email 1", "person 1", "member 1", "first", "email"], True),
    "person_b": ("Second person's email", ["person b", "email b", "email 2", "person 2", "member 2", "second", "email"], True),
    "person_c": ("Third person's email (a trio)", ["person c", "email c", "email 3", "person 3", "member 3", "third"], False),
}
_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name}


def round_key(label: str) -> tuple[int, int] | None:
    """A sortable key for "3", "Round 3", "2025-11", "11/2025", "Nov 2025" or "November 2025"; None if none."""
    text = " ".join(label.casefold().split())
    if m := re.fullmatch(r"(?:round\s*)?(\d{1,4})", text):
        return (0, int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text):
        year, month = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{4})", text):
        month, year = int(m[1]), int(m[2])
    elif m := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", text):
        month, year = _MONTHS.get(m[1], 0), int(m[2])
    else:
        return None
    return (1, year * 12 + month) if 1 <= month <= 12 else None


@dataclass
class HistoryCheck:
    rows: int
    blank: int
    pairs: list[tuple[str, int, int, int]] = field(default_factory=list)  # (label, round, membership a, b), a < b
    errors: list[dict] = field(default_factory=list)


def check_history(table: Table, mapping: dict[str, str], *, members: dict[str, int]) -> HistoryCheck:
    """``members``: email (lower-case) → membership id for this programme's members."""
    index = {column: i for i, column in enumerate(table.header)}
    check = HistoryCheck(rows=len(table.rows), blank=table.blank)

    def cell(cells, name):
        column = mapping.get(name)
        return cells[index[column]].strip() if column and index[column] < len(cells) else ""

    found = []
    for line, cells in table.rows:
        wrong = []
        label = " ".join(cell(cells, "round").split())
        key = round_key(label) if label else None
        if not label:
            wrong.append((mapping["round"], "no round or month"))
        elif key is None or len(label) > 40:
            wrong.append((mapping["round"], f"{label!r} is not a round number or a month like 2025-11 or November 2025"))
        people = []
        for name in ("person_a", "person_b", "person_c"):
            raw = cell(cells, name)
            if not raw:
                if HISTORY_FIELDS[name][2]:
                    wrong.append((mapping.get(name, ""), "no email address"))
                continue
            email = normalise_email(raw)
            if email not in members:
                wrong.append((mapping[name], f"{email} is not a member of this programme"))
            elif members[email] in people:
                wrong.append((mapping[name], f"{email} is in this row twice"))
            else:
                people.append(members[email])
        if wrong:
            check.errors += [{"line": line, "column": c or "", "message": m} for c, m in wrong]
            continue
        found.append((label, key, sorted(people)))
    order = {key: rank for rank, key in enumerate(sorted({key for _, key, _ in found}))}
    latest = len(order) - 1
    seen = set()
    for label, key, people in found:
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                if (label, a, b) not in seen:
                    seen.add((label, a, b))
                    check.pairs.append((label, order[key] - latest, a, b))
    return check
