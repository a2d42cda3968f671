"""The diff between staged rows and current assignments, in DuckDB over Arrow.

For the candidate customers it gives the rows to write, the stored rows to delete and the history.
A row is kept as stored when its digest (of its content) is the staged row's. Every other staged row
is written: over the stored row of the same value (its id given: its `since` stays) or as a new row
(since now). The stored rows whose value is no longer staged are deleted. The history has one change
per exclusive dimension whose value moved (from '' when there was none, to '' when there is none any
more), one per tag gained ('' → tag) or lost (tag → ''). A dimension no longer defined loses its
values like tags.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from ..compiler import Dimension
from ..engines.arrow import TIMESTAMP
from .staging import STAGED_SCHEMA, query

ROW_COLUMNS = STAGED_SCHEMA.names  # a staged row as it is written
# A stored row `o` stays as it is when the staged row `n` of the same value has its digest.
_KEPT = "COALESCE(o.digest = n.digest, FALSE)"
CHANGE_SCHEMA = pa.schema(
    [
        ("customer_id", pa.int64()),
        ("dimension", pa.string()),
        ("from_value", pa.string()),
        ("to_value", pa.string()),
        ("rule_name", pa.string()),
        ("rule_version", pa.int64()),
    ]
)


@dataclass(frozen=True)
class Diff:
    """What publishing the candidates means: the rows to write (with the `id` of the stored row they
    update, null for a new row), the ids of the stored rows to delete, and the history."""

    rows: pa.Table
    changes: pa.Table
    stale: pa.Array

    def counts(self) -> dict[str, int]:
        """Changes per dimension."""
        return dict(sorted(Counter(self.changes.column("dimension").to_pylist()).items()))


def modes_table(dimensions: Iterable[Dimension]) -> pa.Table:
    pairs = [(d.name, d.mode) for d in dimensions]
    return pa.table(
        {"dimension": [p[0] for p in pairs], "mode": [p[1] for p in pairs]},
        schema=pa.schema([("dimension", pa.string()), ("mode", pa.string())]),
    )


def diff(*, staged: pa.Table, current: pa.Table, modes: pa.Table, now: dt.datetime) -> Diff:
    """Compare staged rows with current ones (both restricted to the same customers already)."""
    rows = query(
        f"""
        SELECT {", ".join(f"n.{c}" for c in ROW_COLUMNS)}, $now AS since, o.id
        FROM staged n LEFT JOIN current o USING (customer_id, dimension, value)
        WHERE NOT {_KEPT}
        ORDER BY n.customer_id, n.dimension, n.value
        """,  # noqa: S608
        {"now": now},
        staged=staged,
        current=current,
    )
    stale = query(
        """
        SELECT o.id FROM current o ANTI JOIN staged n USING (customer_id, dimension, value) ORDER BY o.id
        """,
        staged=staged,
        current=current,
    )
    changes = query(
        """
        WITH o AS (SELECT c.*, COALESCE(m.mode, 'tags') AS mode
                   FROM current c LEFT JOIN modes m USING (dimension)),
             n AS (SELECT s.*, m.mode FROM staged s JOIN modes m USING (dimension)),
             moved AS (
               SELECT customer_id, dimension, COALESCE(o.value, '') AS from_value,
                      COALESCE(n.value, '') AS to_value,
                      COALESCE(n.rule_name, o.rule_name) AS rule_name,
                      COALESCE(n.rule_version, o.rule_version) AS rule_version
               FROM (SELECT * FROM o WHERE mode = 'exclusive') o
               FULL JOIN (SELECT * FROM n WHERE mode = 'exclusive') n USING (customer_id, dimension)
             ),
             tagged AS (
               SELECT customer_id, dimension, CASE WHEN o.value IS NULL THEN '' ELSE value END AS from_value,
                      CASE WHEN n.value IS NULL THEN '' ELSE value END AS to_value,
                      COALESCE(n.rule_name, o.rule_name) AS rule_name,
                      COALESCE(n.rule_version, o.rule_version) AS rule_version
               FROM (SELECT * FROM o WHERE mode <> 'exclusive') o
               FULL JOIN (SELECT * FROM n WHERE mode <> 'exclusive') n USING (customer_id, dimension, value)
             )
        SELECT * FROM moved WHERE from_value <> to_value
        UNION ALL SELECT * FROM tagged WHERE from_value <> to_value
        ORDER BY customer_id, dimension, from_value, to_value
        """,
        staged=staged,
        current=current,
        modes=modes,
    )
    return Diff(
        rows.cast(rows.schema.set(rows.schema.get_field_index("since"), pa.field("since", TIMESTAMP))),
        changes.cast(CHANGE_SCHEMA),
        stale.column("id").combine_chunks().cast(pa.int64()),
    )
