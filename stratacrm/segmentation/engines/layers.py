"""Running a layered query: each layer built once into a temporary table, then read by one or more SELECTs.

A batch run reads its layers twice: the population values (one row) and the results. Built as
temporary tables, the layers are computed once for both; a layer is dropped as soon as no later
statement names it, so at most the layers still needed hold memory or temporary space.

>>> from ..compiler import Query
>>> q = Query('SELECT * FROM "d2"', {}, "duckdb", layers=(("b", "SELECT 1"), ("d1", 'SELECT * FROM "b"'),
...           ("p", 'SELECT 1 FROM "d1"'), ("d2", 'SELECT * FROM "d1" CROSS JOIN "p"')))
>>> [(name, dead) for name, _, dead in steps(q, reads=[q.sql])]
[('b', ()), ('d1', ('b',)), ('p', ()), ('d2', ('d1', 'p'))]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..compiler import Query

Read = str


def steps(query: Query, *, reads: Sequence[Read]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each layer as (name, SELECT, layers no statement after it names): drop those once it is built."""
    statements = [sql for _, sql in query.layers] + list(reads)
    last: dict[str, int] = {}
    for name, _ in query.layers:
        # Quoted or not; a column of the same name only keeps the layer a little longer.
        mention = re.compile(rf"\b{re.escape(name)}\b")
        last[name] = max((i for i, sql in enumerate(statements) if mention.search(sql)), default=-1)
    out = []
    for index, (name, sql) in enumerate(query.layers):
        dead = tuple(n for n, at in last.items() if at == index or (at < index and n == name))
        out.append((name, sql, dead))
    return out
