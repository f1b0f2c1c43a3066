"""CSV files people open in a spreadsheet: no cell runs as a formula, and Excel reads the names right."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# OWASP's CSV-injection advice: a cell starting with one of these could run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell's text, with a leading ' when a spreadsheet would otherwise read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = True) -> str:
    """The whole file, CRLF line ends, every cell neutralised; with a byte-order mark so Excel takes it
    as UTF-8 (without one it reads "Zoë" as "ZoÃ«")."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
