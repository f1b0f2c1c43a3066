"""Reading the spreadsheet a network already has, and checking its rows before anything is written.

Any CSV a person is likely to hand us: UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode
text"), Windows-1252; comma, semicolon or tab; CRLF; blank lines; quoted fields with line breaks. Errors
name the physical line in the file (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.core.validators import validate_email

from unmentoring.accounts.services import normalise_email
from unmentoring.core.forms import describe_character, hidden_character
from unmentoring.programmes.forms import PhoneNumberField

MAX_BYTES = 2_000_000
MAX_ROWS = 20_000


class UnreadableFile(Exception):
    """The file cannot be read or mapped at all (a sentence for the person)."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (physical line where the record starts, cells)
    blank: int = 0


def _decode(data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableFile("The file says it is Unicode text but is not: save the spreadsheet as CSV again.") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(data: bytes) -> Table:
    """The file's header and rows; blank rows counted and left out."""
    if not data.strip():
        raise UnreadableFile("The file is empty.")
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"The file is larger than {MAX_BYTES // 1_000_000} MB: split it into smaller files.")
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFile("This does not look like a CSV file. Save the spreadsheet as CSV and try again.")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=dialect.delimiter, quotechar='"', doublequote=True, skipinitialspace=False,
                        strict=False)
    header, rows, blank, start = None, [], 0, 1
    try:
        for cells in reader:
            here, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                blank += header is not None
                continue
            if header is None:
                header = [" ".join(cell.split()) for cell in cells]
                continue
            rows.append((here, cells))
            if len(rows) > MAX_ROWS:
                raise UnreadableFile(f"The file has more than {MAX_ROWS} rows: split it into smaller files.")
    except csv.Error as error:
        raise UnreadableFile(f"Line {reader.line_num} cannot be read as CSV ({error}).") from error
    if header is None:
        raise UnreadableFile("The file has no header row naming its columns.")
    return Table(header=header, rows=rows, blank=blank)


# --- People -----------------------------------------------------------------------

PEOPLE_FIELDS = {  # field: (what the page calls it, header words that suggest it, required)
    "full_name": ("Full name", ["full name", "name", "your name", "first and last name"], True),
    "email": ("Email address", ["email", "email address", "e-mail", "work email", "your email"], True),
    "organisation": ("Organisation", ["organisation", "organization", "council", "employer", "org", "department",
                                      "your organisation"], True),
    "role": ("Job role", ["role", "job role", "job title", "title", "position"], False),
    "phone": ("Phone number", ["phone", "phone number", "telephone", "mobile", "tel"], False),
}
LIMITS = {"full_name": 120, "email": 254, "organisation": 120, "role": 120, "phone": 32}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def guess_mapping(header: list[str], fields: dict = PEOPLE_FIELDS) -> dict[str, str]:
    """Each field's column, guessed from the header (exact words first, then a column that contains them)."""
    squashed = [_squash(h) for h in header]
    mapping = {}
    for name, (_label, words, _required) in fields.items():
        wanted = [_squash(w) for w in words]
        exact = next((header[i] for i, h in enumerate(squashed) if h in wanted and header[i] not in mapping.values()), None)
        loose = next((header[i] for i, h in enumerate(squashed) for w in wanted
                      if re.search(rf"\b{re.escape(w)}\b", h) and header[i] not in mapping.values()), None)
        if exact or loose:
            mapping[name] = exact or loose
    return mapping


def mapping_problems(header: list[str], mapping: dict[str, str], fields: dict = PEOPLE_FIELDS) -> list[str]:
    problems = [f"No column named {column!r} (the columns are: {', '.join(header)})."
                for name, column in mapping.items() if column and column not in header]
    problems += [f"Choose the column that holds {label.lower()}."
                 for name, (label, _words, required) in fields.items() if required and not mapping.get(name)]
    used: dict[str, str] = {}
    for name, column in mapping.items():
        if column and column in used and name in fields and used[column] in fields:
            problems.append(f"{fields[used[column]][0]} and {fields[name][0].lower()} both use the column {column!r}: "
                            "choose a different column for one of them.")
        used.setdefault(column, name)
    unknown = set(mapping) - set(fields)
    problems += [f"{name!r} is not a field: use {', '.join(fields)}." for name in sorted(unknown)]
    return problems


@dataclass
class PersonRow:
    line: int
    full_name: str
    email: str
    organisation: str
    role: str = ""
    phone: str = ""


@dataclass
class PeopleCheck:
    rows: int
    blank: int
    ready: list[PersonRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"line", "column", "message"}


def _phone(value: str) -> str | None:
    try:
        return PhoneNumberField(required=False).clean(value)
    except forms.ValidationError:
        return None


def check_people(table: Table, mapping: dict[str, str], *, members: set[str], organisations: list[str]) -> PeopleCheck:
    """Every row's problems, and the rows that can be invited. ``members``: addresses already in the
    programme (lower-case); ``organisations``: the names it has, so "leeds  city council" joins "Leeds City Council"."""
    index = {column: i for i, column in enumerate(table.header)}
    known = {" ".join(o.casefold().split()): o for o in organisations}
    check = PeopleCheck(rows=len(table.rows), blank=table.blank)
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        values, wrong = {}, []
        for name in PEOPLE_FIELDS:
            column = mapping.get(name)
            raw = cells[index[column]] if column and index[column] < len(cells) else ""
            value = " ".join(raw.split()) if name != "email" else raw.strip()
            if (char := hidden_character(value)) is not None:
                wrong.append((column, f"has a hidden character ({describe_character(char)})"))
            elif len(value) > LIMITS[name]:
                wrong.append((column, f"is longer than {LIMITS[name]} characters"))
            values[name] = value
        if not values["full_name"]:
            wrong.append((mapping.get("full_name", ""), "no name"))
        if not values["organisation"]:
            wrong.append((mapping.get("organisation", ""), "no organisation"))
        email = normalise_email(values["email"])
        try:
            validate_email(email)
        except forms.ValidationError:
            wrong.append((mapping.get("email", ""), f"{values['email']!r} is not an email address" if email else "no email address"))
        else:
            if email in members:
                wrong.append((mapping["email"], f"{email} is already a member"))
            elif email in seen:
                wrong.append((mapping["email"], f"{email} is also on line {seen[email]}"))
            seen.setdefault(email, line)
        if values["phone"] and (phone := _phone(values["phone"])) is None:
            wrong.append((mapping.get("phone", ""), f"{values['phone']!r} is not a phone number"))
        elif values["phone"]:
            values["phone"] = phone
        if wrong:
            check.errors += [{"line": line, "column": column or "", "message": message} for column, message in wrong]
            continue
        organisation = known.setdefault(" ".join(values["organisation"].casefold().split()), values["organisation"])
        check.ready.append(PersonRow(line=line, full_name=values["full_name"], email=email, organisation=organisation,
                                     role=values["role"], phone=values["phone"]))
    return check
