"""Finding customers by a piece of their name, quickly on PostgreSQL too.

`name__icontains` is `UPPER(name) LIKE '%q%'`, which PostgreSQL answers from a trigram index when `q` has
three characters or more. One or two characters (张, 张伟) hold no trigram, so PostgreSQL would read every
customer; there the condition first asks the index of each name's characters for the names holding all
of `q`'s characters, then checks the order with LIKE. See migration customers/0002.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, TextField, Value

TRIGRAM = 3


class _Characters(Func):
    """string_to_array(UPPER(x), NULL): the upper-cased characters of x (customer_name_chars_idx)."""

    template = "string_to_array(UPPER(%(expressions)s::text), NULL)"
    output_field = TextField()


def name_contains(q: str) -> Any:
    """The condition "the customer's name contains `q`, ignoring case", as a filter argument."""
    match = Q(name__icontains=q)
    if connection.vendor != "postgresql" or len(q) >= TRIGRAM:
        return match
    holds_all = Func(
        _Characters(F("name")),
        _Characters(Value(q)),
        arg_joiner=" @> ",
        template="(%(expressions)s)",
        output_field=BooleanField(),
    )
    return Q(holds_all) & match
