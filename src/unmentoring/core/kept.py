"""Kept queries: a hot page's query compiled to SQL once per process, then run with each request's values.

Django turns a queryset into SQL afresh every time it runs, and for a query
that joins five tables (a seat with its group, round, programme, member and
check-in: 128 columns) that takes longer than the database takes to answer
it: about 2 ms of the 5 ms the check-in page's seat costs. A kept query is
a function of named values (ids, slugs, numbers) returning a complete
queryset, its order and slice included::

    @kept_query
    def seat_alone(seat_id):
        return Seat.objects.select_related("group").filter(pk=seat_id)[:1]

    seats = seat_alone(seat_id=5)   # a list, as list(queryset) would give

The first call for each combination of value types builds the queryset
twice, with two sets of made-up values, and compiles both. It keeps the SQL
only if the two differ in nothing but those values, each passed to the
database unchanged as its own parameter; the rows are then made into model
instances by Django's own code, from the kept compilation. Anything else
runs as an ordinary queryset every time, with the same result: a value
that changes the SQL (``None`` makes ``IS NULL``), that the field converts
(a number compared with a text column, a pattern for ``icontains``), that
is not used, or a value of another type than int or str (a bool, a list, a
date: ``bool`` is not ``int`` here). An int too big for any column
(beyond 64 bits) also runs as a queryset, which knows it matches nothing.

Use it only where the profile says a query's compilation matters, on pages
that everyone opens; a kept query reads like any other selector, so keep
it next to the one it serves. It reads only (no ``select_for_update``);
prefetches run as usual after the rows are read. It assumes one database
(what is kept is not keyed by database alias).
"""

from __future__ import annotations

import copy
import functools
import operator
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

# Made-up values for the trial compilations, one pair per name. Int probes fit a positive 16-bit column:
# Django refuses to compile a lookup with a value its column cannot hold. (A constant of the query that
# happened to equal a probe would make the trials disagree, and the query would not be kept.)
_PROBES: dict[type, Callable[[int, int], object]] = {
    int: lambda position, trial: 32_000 + 10 * position + trial,
    str: lambda position, trial: f"kept-probe-{position}-{trial}",
}
_BIGGEST = 2**63 - 1
# PostgreSQL's backend sends a value for a small or 32-bit integer column typed (psycopg's Int2, Int4); such
# a slot is filled the same way, and a number the type cannot hold runs as the queryset, which matches
# nothing (psycopg would cut it down to the type's bits, and it could match another row).
_WRAPPED_LIMIT = {"Int2": 2**15, "Int4": 2**31, "Int8": 2**63}


def _kind(value) -> type | None:
    """int for an int (psycopg's typed ints included, bools not), str for a str, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int
    return str if isinstance(value, str) else None


@dataclass(frozen=True, eq=False)  # each one itself (by identity), a key of what a connection keeps for it
class _Kept:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str, type | None], ...]  # (parameter's position, value's name, its type if wrapped)
    queryset: QuerySet
    compiler: object


def _shape(values: dict) -> tuple:
    return tuple(sorted((name, type(value)) for name, value in values.items()))


def _compile(queryset: QuerySet) -> tuple[str, tuple, object]:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return sql, tuple(params), compiler


class KeptQuery:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._kept: dict[tuple, _Kept | None] = {}  # by the values' names and types; None: it cannot be kept
        functools.update_wrapper(self, build)

    def __call__(self, **values) -> list:
        shape = _shape(values)
        if any(kind not in _PROBES for _, kind in shape) or any(
                type(value) is int and not -_BIGGEST <= value <= _BIGGEST for value in values.values()):
            return list(self.build(**values))
        if shape not in self._kept:
            self._kept[shape] = self._keep(shape)
        kept = self._kept[shape]
        if kept is None:
            return list(self.build(**values))
        params = list(kept.params)
        for position, name, wrap in kept.slots:
            value = values[name]
            if wrap is not None:
                if not -_WRAPPED_LIMIT[wrap.__name__] <= value < _WRAPPED_LIMIT[wrap.__name__]:
                    # psycopg would wrap it round (2**32 + 1 becomes 1): Django knows it matches nothing.
                    return list(self.build(**values))
                value = wrap(value)
            params[position] = value
        return list(self._run(kept, tuple(params)))

    def compiled(self, **values) -> bool:
        """Whether a call with values of these types runs kept SQL (for tests and the curious)."""
        return self._kept.get(_shape(values)) is not None

    def _keep(self, shape: tuple) -> _Kept | None:
        trials = [{name: _PROBES[kind](position, trial) for position, (name, kind) in enumerate(shape)}
                  for trial in (1, 2)]
        try:
            (sql, params, compiler), (other_sql, other_params, _) = (
                _compile(self.build(**trial)) for trial in trials)
            queryset = self.build(**trials[0])
        except Exception:  # noqa: BLE001 (e.g. EmptyResultSet, a made-up value the field refuses: run it plain)
            return None
        if sql != other_sql or len(params) != len(other_params) or queryset.query.select_for_update:
            return None
        first, second = ({(_kind(v), v): n for n, v in trial.items()} for trial in trials)
        slots = []
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            name = first.get((_kind(one), one))
            if name is None and type(one) is type(two) and one == two:
                continue  # a constant of the query
            if name is None or type(one) is not type(two) or second.get((_kind(two), two)) != name:
                return None  # a value changed on its way (or something else changed): not one parameter
            wrap = None if type(one) in _PROBES else type(one)
            if wrap is not None and wrap.__name__ not in _WRAPPED_LIMIT:
                return None
            slots.append((position, name, wrap))
        if {name for _, name, _ in slots} != set(trials[0]):
            return None  # a value that does not reach the SQL, or not as itself
        compiler.connection = None  # each call gives it its own thread's; this one's is not kept alive
        return _Kept(sql=sql, params=params, slots=tuple(slots), queryset=queryset, compiler=compiler)

    @staticmethod
    def _run(kept: _Kept, params: tuple) -> QuerySet:
        queryset = kept.queryset._chain()
        compiler = copy.copy(kept.compiler)
        # Each thread has its own connection (the kept compiler holds none).
        compiler.connection = connection = connections[queryset.db]
        compiler.as_sql = lambda *args, **kwargs: (kept.sql, params)
        compiler.get_converters = functools.partial(_converters, kept, connection)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset


# What turns each column's value from the database into Python's (a date from SQLite's text, say) depends on
# the query's columns and the connection's backend; Django works it out afresh for every query (a round page's
# seat has 125 columns). A kept query's columns never change, so each connection keeps what it worked out per
# kept query, on itself: it is bound to that connection's backend and goes with it. (Weakly keyed: a kept
# entry no longer used by anything, as a test's, is not kept alive by every connection it ran on.)
_CONVERTERS = "_unmentoring_kept_converters"


def _converters(kept: _Kept, connection, expressions) -> dict:
    by_kept = connection.__dict__.get(_CONVERTERS)
    if by_kept is None:
        by_kept = connection.__dict__[_CONVERTERS] = weakref.WeakKeyDictionary()
    found = by_kept.get(kept)
    # Only results_iter asks, always for the kept select's own columns; anything else is worked out afresh.
    if found is not None and len(found[0]) == len(expressions) and all(map(operator.is_, found[0], expressions)):
        return found[1]
    plain = copy.copy(kept.compiler)  # Django's own, without this shortcut (it calls itself for a pair of columns)
    plain.connection = connection
    converters = plain.get_converters(expressions)
    by_kept[kept] = (tuple(expressions), converters)
    return converters


def kept_query(build: Callable[..., QuerySet]) -> KeptQuery:
    """Decorate a function of named values that returns a queryset: calls return its rows as a list."""
    return KeptQuery(build)
