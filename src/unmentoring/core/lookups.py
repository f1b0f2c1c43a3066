"""``field__among=values``: ``__in`` for a list that may hold one value per member.

Django sends ``pk__in=[…]`` as one parameter per value, and databases cap
the parameters of a query: SQLite at 32,766 in a default build, PostgreSQL
at 65,535 once parameters are sent apart from the query (server-side
binding, which prepared statements need). Django does not split such a
list, so a 100,000-member round's list fails. ``among`` sends the whole list
as one parameter, however long: a typed array on PostgreSQL (``= ANY(…)``),
a JSON array read by ``json_each`` on SQLite. It is also one statement to
prepare whatever the list's length, where ``__in`` makes a new one for each
length.

It is for ids and keys: integer, text and foreign-key columns (a model
instance stands for its key). As ``__in`` does, it leaves out ``None`` and
integers the column cannot hold, so ``exclude`` keeps its meaning. Use it
wherever the values are counted in members, seats or messages; a short,
fixed list (a few states, a person's own seats) reads better as ``__in``,
and a queryset as ``__in`` makes a subquery, which is better still.
"""

from __future__ import annotations

import json
import re

from django.db import models
from django.db.models import Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False  # each value is prepared below, as the field would

    def as_sql(self, compiler, connection):
        if isinstance(self.rhs, (str, bytes)) or not hasattr(self.rhs, "__iter__") or hasattr(self.rhs, "query"):
            raise TypeError(f"__among takes a list of values, not {type(self.rhs).__name__} (use __in for a queryset)")
        field = self.lhs.output_field
        column = field.target_field if field.is_relation else field
        low, high = connection.ops.integer_field_ranges.get(column.get_internal_type(), (None, None))
        values = []
        for value in dict.fromkeys(self.rhs):  # in order, each once
            if isinstance(value, models.Model):
                value = getattr(value, column.attname)
            if value is None:
                continue  # as __in: NULL matches nothing, and in NOT IN it would make every row unknown
            value = column.get_db_prep_value(column.get_prep_value(value), connection, prepared=True)
            if low is not None and not low <= value <= high:
                continue  # no row holds it
            values.append(value)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # The array's type without a length: varchar(200)[] would cut a longer value down until it matched.
            array_type = re.sub(r"\(.*\)", "", column.cast_db_type(connection))
            return f"{lhs} = ANY(%s::{array_type}[])", (*lhs_params, values)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(values))


for kind in (models.IntegerField, models.CharField, models.TextField, models.ForeignObject):
    kind.register_lookup(Among)  # foreign keys look up only their own class's lookups, so they are named too
