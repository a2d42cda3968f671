"""The hand-made data set loaded into each engine, and one way to run a rendered plan on any of them.

SQLite and PostgreSQL get Django's tables (`<app>_<model>`, Django's column types); DuckDB gets the
snapshot's tables (file stems, the `stratacrm.ingest.tables` schemas). PostgreSQL data lives in a schema
of its own, created for the test session and dropped after it.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from stratacrm.segmentation.catalog import Catalog
from stratacrm.segmentation.compiler import Dialect, Plan, Query
from stratacrm.segmentation.sources import OPERATIONAL_TABLES, SNAPSHOT_TABLES

from . import dataset

POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"


def _columns(spec: str) -> list[tuple[str, str]]:
    """'name:type …' with varchar when no type is given."""
    return [(name, kind or "varchar") for name, _, kind in (item.partition(":") for item in spec.split())]


# Django's columns per source, with the column types Django gives them (see test_sources.py).
DJANGO_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "customers": _columns(
        "id:id account_number name customer_type industry province city district size company id_number "
        "phone email address preferred_channel status credit_grade important_grade owner_id:fk "
        "source_channel contact_form_filled:bool version:int created_at:datetime updated_at:datetime"
    ),
    "consumption": _columns(
        "id:id customer_id:fk meter_id:fk period:date kwh_total:decimal kwh_peak:decimal kwh_flat:decimal "
        "kwh_offpeak:decimal"
    ),
    "bills": _columns(
        "id:id customer_id:fk period:date kwh:decimal amount:decimal issued_on:date due_date:date"
    ),
    "payments": _columns("id:id customer_id:fk bill_id:fk paid_on:date amount:decimal channel"),
    "transactions": _columns(
        "id:id customer_id:fk product quantity:decimal amount:decimal occurred_at:datetime"
    ),
    "interactions": _columns(
        "id:id customer_id:fk channel activity direction subject content:text staff_id:fk "
        "occurred_at:datetime"
    ),
    "tickets": _columns(
        "id:id customer_id:fk ticket_number kind category priority status subject opened_at:datetime "
        "resolved_at:datetime sla_due_at:datetime"
    ),
    "survey_responses": _columns(
        "id:id customer_id:fk survey csat:smallint nps:smallint comment:text responded_at:datetime"
    ),
}
_SQLITE_TYPES = {
    "id": "integer NOT NULL PRIMARY KEY AUTOINCREMENT",
    "fk": "bigint NULL",
    "int": "integer unsigned",
    "varchar": "varchar(300)",
    "text": "text",
    "date": "date",
    "datetime": "datetime",
    "decimal": "decimal",
    "bool": "bool",
    "smallint": "smallint unsigned NULL",
}
_POSTGRES_TYPES = {
    "id": "bigint PRIMARY KEY",
    "fk": "bigint NULL",
    "int": "integer",
    "varchar": "varchar(300)",
    "text": "text",
    "date": "date",
    "datetime": "timestamp with time zone",
    "decimal": "numeric(14, 2)",
    "bool": "boolean",
    "smallint": "smallint NULL",
}


@dataclass
class Engine:
    """A loaded database and the table names plans are rendered with."""

    dialect: Dialect
    tables: dict[str, str]
    connection: Any

    def query(self, query: Query) -> list[dict[str, Any]]:
        if self.dialect == "postgres":
            with self.connection.cursor() as cursor:
                cursor.execute(query.sql, query.params)
                names = [d.name for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        cursor = self.connection.execute(query.sql, query.params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def run(
        self,
        plan: Plan,
        *,
        catalog: Catalog,
        as_of: dt.date = dataset.AS_OF,
        customer_ids: list[int] | None = None,
    ) -> list[dict[str, Any]]:
        """The plan's rows, with values made comparable across engines (floats, booleans)."""
        rendered = plan.render(
            dialect=self.dialect, tables=self.tables, as_of=as_of, customer_ids=customer_ids
        )
        booleans = {name for name in plan.metrics if catalog.resolve(name).kind == "boolean"}
        booleans |= {o.column for o in plan.outputs if o.role == "tag"}
        return [{k: _plain(v, boolean=k in booleans) for k, v in row.items()} for row in self.query(rendered)]


def _plain(value: object, *, boolean: bool) -> object:
    if value is None:
        return None
    if boolean:
        return bool(value)
    if isinstance(value, Decimal | float):
        return round(float(value), 9)
    return value


def _sqlite_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _create_and_fill(execute: Any, tables: dict[str, str], types: dict[str, str], convert: Any) -> None:
    for source, table_rows in dataset.rows().items():
        columns = DJANGO_COLUMNS[source]
        ddl = ", ".join(f'"{name}" {types[kind]}' for name, kind in columns)
        execute(f"CREATE TABLE {tables[source]} ({ddl})", None)
        names = [name for name, _ in columns]
        marks = ", ".join(["%s" if types is _POSTGRES_TYPES else "?"] * len(names))
        quoted = ", ".join(f'"{name}"' for name in names)
        insert = f"INSERT INTO {tables[source]} ({quoted}) VALUES ({marks})"
        for row in table_rows:
            execute(insert, [convert(row[name]) for name in names])


def sqlite_engine() -> Engine:
    connection = sqlite3.connect(":memory:")
    _create_and_fill(
        lambda sql, args: connection.execute(sql, args or ()),
        dict(OPERATIONAL_TABLES),
        _SQLITE_TYPES,
        _sqlite_value,
    )
    connection.commit()
    return Engine("sqlite", dict(OPERATIONAL_TABLES), connection)


def duckdb_engine() -> Engine:
    connection = duckdb.connect(":memory:")
    for statement in ("SET TimeZone = 'UTC'",):
        connection.execute(statement)
    for name, table in dataset.arrow_tables().items():
        connection.register(f"{name}_arrow", table)
        connection.execute(f"CREATE TABLE {SNAPSHOT_TABLES[name]} AS SELECT * FROM {name}_arrow")
        connection.unregister(f"{name}_arrow")
    return Engine("duckdb", dict(SNAPSHOT_TABLES), connection)


@contextmanager
def postgres_engine() -> Iterator[Engine | None]:
    """A schema of its own holding the data set, dropped afterwards; None when PostgreSQL is not there."""
    import psycopg

    try:
        connection = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    schema = f"seg_test_{secrets.token_hex(6)}"
    tables = {source: f"{schema}.{table}" for source, table in OPERATIONAL_TABLES.items()}
    try:
        connection.execute(f"CREATE SCHEMA {schema}")
        connection.execute("SET TIME ZONE 'UTC'")
        _create_and_fill(
            lambda sql, args: connection.execute(sql, args), tables, _POSTGRES_TYPES, lambda v: v
        )
        yield Engine("postgres", tables, connection)
    finally:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.close()
