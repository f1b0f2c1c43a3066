"""Inserting many rows at once, fast on PostgreSQL.

Django's ``bulk_create`` builds a model instance per row and compiles an
INSERT that quotes every value in Python: about 150 µs a row, 15 s for a
100,000-member draw's intros. On PostgreSQL ``copy_insert`` streams only the
columns that vary from row to row with ``COPY`` into a temporary table, then
one ``INSERT … SELECT`` adds the model's defaults for every other column
(computed once, the way ``save`` would), in the caller's transaction. It is
PostgreSQL's only: callers check ``uses_copy()`` and use ``bulk_create``
elsewhere (SQLite).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.db import connection, models, transaction

_temporary_tables = itertools.count()


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's sequence, for rows whose ids others must know before
    they are inserted (a group's seats)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def copy_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence], *,
                constants: dict | None = None, unique: str | None = None) -> int:
    """Insert ``rows`` (tuples of plain values for ``columns``, attribute names such as ``group_id``; a
    JSON field's value as its JSON text) and return how many were inserted.

    Every other column gets ``constants[name]`` or the model's default. ``unique``: the column whose
    conflicts are skipped quietly (the row already there wins).
    """
    if not rows:
        return 0
    constants = constants or {}
    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    template = model(**constants)
    others = [f for f in meta.concrete_fields if f.attname not in columns and not (f.primary_key and f.attname not in constants)]
    table = f"_copy_{meta.db_table}_{next(_temporary_tables)}"
    copied = ", ".join(connection.ops.quote_name(fields[c].column) for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "  # noqa: S608 (names from the model)
                       f"SELECT {copied} FROM {meta.db_table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {table} ({copied}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        values = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in others]
        target = ", ".join([copied, *(connection.ops.quote_name(f.column) for f in others)])
        conflict = f" ON CONFLICT ({connection.ops.quote_name(fields[unique].column)}) DO NOTHING" if unique else ""
        cursor.execute(f"INSERT INTO {meta.db_table} ({target}) SELECT {copied}{', %s' * len(others)} "  # noqa: S608
                       f"FROM {table}{conflict}", values)
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
    return inserted
