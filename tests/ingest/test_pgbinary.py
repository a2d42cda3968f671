"""Arrow values written with binary COPY read back unchanged from PostgreSQL, edge values included."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from django.db import connection, models

from stratacrm.ingest.loader.pgbinary import HEADER, TRAILER, encoder_for, rows

UTC = dt.UTC
COLUMNS: list[tuple[str, str, models.Field, pa.DataType, list]] = [
    ("big", "bigint", models.BigIntegerField(), pa.int64(), [0, -1, 2**62, None]),
    ("int", "integer", models.IntegerField(), pa.int64(), [1, -(2**31), 2**31 - 1, None]),
    ("small", "smallint", models.SmallIntegerField(), pa.int16(), [0, 10, -5, None]),
    (
        "money",
        "numeric(14, 2)",
        models.DecimalField(max_digits=14, decimal_places=2),
        pa.float64(),
        [0.0, -0.01, 999999999999.99, None],
    ),
    (
        "kva",
        "numeric(12, 2)",
        models.DecimalField(max_digits=12, decimal_places=2),
        pa.float64(),
        [12.34, -9999999999.99, 8.0, -0.0],
    ),
    (
        "day",
        "date",
        models.DateField(),
        pa.date32(),
        [dt.date(1999, 12, 31), dt.date(2000, 1, 1), dt.date(1970, 1, 1), dt.date(2024, 2, 29)],
    ),
    (
        "at",
        "timestamp with time zone",
        models.DateTimeField(),
        pa.timestamp("us", tz="UTC"),
        [
            dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            dt.datetime(2000, 1, 1, tzinfo=UTC),
            dt.datetime(2024, 6, 5, 6, 24, 52, 839683, tzinfo=UTC),
            None,
        ],
    ),
    ("flag", "boolean", models.BooleanField(), pa.bool_(), [True, False, None, True]),
    ("code", "varchar(16)", models.CharField(max_length=16), pa.string(), ["é中文", "", None, 'a"b\n\\c']),
    ("note", "text", models.TextField(), pa.string(), ["x" * 5000, "", "\t", None]),
]


def expected(value: object) -> object:
    if isinstance(value, float):
        return Decimal(str(value)).quantize(Decimal("0.01")) + 0  # -0.00 reads back as 0.00
    return value


@pytest.mark.django_db
def test_every_column_type_round_trips_through_binary_copy() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    batch = pa.RecordBatch.from_arrays(
        [pa.array(values, type=arrow) for _, _, _, arrow, values in COLUMNS], names=[c[0] for c in COLUMNS]
    )
    encoders = [encoder_for(field=field, db_type=db_type) for _, db_type, field, _, _ in COLUMNS]
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE binary_copy (n serial, "
            + ", ".join(f"{name} {db_type}" for name, db_type, *_ in COLUMNS)
            + ")"
        )
        names = ", ".join(c[0] for c in COLUMNS)
        with cursor.copy(f"COPY binary_copy ({names}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(HEADER)
            copy.write(memoryview(rows(batch=batch, encoders=encoders)))
            copy.write(TRAILER)
        cursor.execute(f"SELECT {names} FROM binary_copy ORDER BY n")
        found = cursor.fetchall()
    for i, row in enumerate(found):
        assert list(row) == [expected(values[i]) for *_, values in COLUMNS]
