"""Customer attributes as they were on a past date, so a run as of that date replays what it saw.

Events carry their own dates, so windows before as_of already leave later events out; a customer's
attributes (type, industry, region, status…) are edited in place. Every edit goes through
`customer_update`, which writes the values before and after to the audit trail: the value a field had
at the end of as_of is the `before` of its first edit after that moment. The edited customers' rows
are replaced by those values — a temporary table and view in the operational database, a patch of
the snapshot's customers for DuckDB and Spark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import connection

from stratacrm.accounts.models import AuditEntry
from stratacrm.customers.models import Customer

from ..catalog import Catalog
from ..sources import CUSTOMERS, OPERATIONAL_TABLES
from ..windows import window_end

PATCH_TABLE, PATCH_VIEW = "strata_customers_asof", "strata_customers_asof_view"


@dataclass(frozen=True)
class Edits:
    """Attribute values at the end of as_of of the customers edited since: {customer id: {field: value}}."""

    values: Mapping[int, Mapping[str, Any]]

    def __bool__(self) -> bool:
        return bool(self.values)


def attribute_fields(catalog: Catalog) -> frozenset[str]:
    """The customer columns the catalog's attributes read."""
    return frozenset(m.column for m in catalog.metrics.values() if m.source == CUSTOMERS and m.column)


def edits_after(*, as_of: dt.date, catalog: Catalog, today: dt.date) -> Edits:
    """The attribute values edited after the end of as_of (none to undo when as_of is today or later)."""
    if as_of >= today:
        return Edits({})
    end = dt.datetime.combine(window_end(as_of), dt.time(0), tzinfo=dt.UTC)
    fields = attribute_fields(catalog)
    values: dict[int, dict[str, Any]] = {}
    entries = AuditEntry.objects.filter(
        action="customer.update", at__gte=end, object_type="customers.customer"
    )
    for object_id, before in entries.order_by("seq").values_list("object_id", "before"):
        undone = values.setdefault(int(object_id), {})
        for field, value in (before or {}).items():
            if field in fields:
                undone.setdefault(field, value)  # the first edit after as_of holds the value of then
    return Edits({k: v for k, v in values.items() if v})


def operational_tables(edits: Edits) -> dict[str, str]:
    """Make the temporary view of customers as of then; the table names to render the plan with."""
    tables = dict(OPERATIONAL_TABLES)
    if not edits:
        return tables
    quote = connection.ops.quote_name
    source = quote(Customer._meta.db_table)
    ids = sorted(edits.values)
    marks = ", ".join(["%s"] * len(ids))
    operational_drop()
    with connection.cursor() as cursor:
        copy = f"CREATE TEMPORARY TABLE {PATCH_TABLE} AS SELECT * FROM {source} WHERE id IN ({marks})"  # noqa: S608
        cursor.execute(copy, ids)
        for customer_id, fields in edits.values.items():
            for field, value in fields.items():
                update = f"UPDATE {PATCH_TABLE} SET {quote(field)} = %s WHERE id = %s"  # noqa: S608
                cursor.execute(update, [value, customer_id])
        cursor.execute(
            f"CREATE TEMPORARY VIEW {PATCH_VIEW} AS SELECT * FROM {source} "  # noqa: S608
            f"WHERE id NOT IN (SELECT id FROM {PATCH_TABLE}) UNION ALL SELECT * FROM {PATCH_TABLE}"
        )
    tables[CUSTOMERS] = PATCH_VIEW
    return tables


def operational_drop() -> None:
    """Drop the temporary view and table (no-op when absent)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {PATCH_VIEW}")
        cursor.execute(f"DROP TABLE IF EXISTS {PATCH_TABLE}")


def snapshot_patch(*, snapshot: Path, edits: Edits) -> pa.Table | None:
    """The snapshot's rows of the edited customers, with their attributes as of then."""
    if not edits:
        return None
    ids = sorted(edits.values)
    table = pq.read_table(snapshot / "customers.parquet", filters=[("id", "in", ids)])
    order = table.column("id").to_pylist()
    for field in sorted({f for fields in edits.values.values() for f in fields}):
        current = table.column(field).to_pylist()
        values = [edits.values[i].get(field, old) for i, old in zip(order, current, strict=True)]
        spec = table.schema.field(field)
        table = table.set_column(table.schema.get_field_index(field), spec, pa.array(values, spec.type))
    return table
