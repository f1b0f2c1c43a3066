"""``field__among=values``: ``__in`` for a list that may hold one value per member.

Django sends ``pk__in=[…]`` as one parameter per value, and databases cap
the parameters of a query: SQLite at 32,766, PostgreSQL at 65,535 once
parameters are sent apart from the query (server-side binding, which
prepared statements need). Django does not split such a list, so a
100,000-member round's list fails. ``among`` sends the whole list as one
parameter, however long: a typed array on PostgreSQL (``= ANY(…)``), a JSON
array read by ``json_each`` on SQLite. It is also one statement to prepare
whatever the list's length, where ``__in`` makes a new one for each length.

Use it wherever the values are counted in members, seats or messages; a
short, fixed list (a few states, a person's own seats) reads better as
``__in``, and a queryset as ``__in`` makes a subquery, which is better still.
"""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False  # each value is prepared below, as the field would

    def as_sql(self, compiler, connection):
        if isinstance(self.rhs, (str, bytes)) or not hasattr(self.rhs, "__iter__") or hasattr(self.rhs, "query"):
            raise TypeError(f"__among takes a list of values, not {type(self.rhs).__name__} (use __in for a queryset)")
        field = self.lhs.output_field
        values = [field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)
                  for value in dict.fromkeys(self.rhs)]  # in order, each once
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{field.cast_db_type(connection)}[])", (*lhs_params, values)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(values))


models.Field.register_lookup(Among)
models.ForeignObject.register_lookup(Among)  # foreign keys look up only their own class's lookups
