"""Exporting the current assignments: one CSV row per customer and value, read in batches."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

from stratacrm.customers.models import Customer

from .engines.arrow import TIMESTAMP, rows_to_table
from .models import Assignment

BATCH_ROWS = 100_000
COLUMNS = {
    "account_number": pa.string(),
    "customer_id": pa.int64(),
    "dimension": pa.string(),
    "value": pa.string(),
    "rule_name": pa.string(),
    "rule_version": pa.int64(),
    "score": pa.float64(),
    "since": TIMESTAMP,
    "run_id": pa.int64(),
}


def assignments_export(*, out: Path) -> int:
    """Write every current assignment to the CSV file `out` (ordered by customer, dimension, value);
    return the number of rows."""
    names = list(COLUMNS)
    assignments, customers = Assignment._meta.db_table, Customer._meta.db_table
    sql = (
        f"SELECT c.account_number, a.customer_id, a.dimension, a.value, a.rule_name, a.rule_version, "  # noqa: S608
        f"a.score, a.since, a.run_id FROM {assignments} a JOIN {customers} c ON c.id = a.customer_id "
        "ORDER BY a.customer_id, a.dimension, a.value"
    )
    schema = pa.schema(list(COLUMNS.items()))
    rows = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor, pa_csv.CSVWriter(out, schema) as writer:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH_ROWS):
            table = rows_to_table(batch, names, COLUMNS).cast(schema)
            writer.write_table(table)
            rows += table.num_rows
    return rows
