"""Small data sets of our own, loaded into SQLite, DuckDB or PostgreSQL the way `engines.py` loads the
shared one: Django's tables and column types for SQLite and PostgreSQL (in a throwaway schema), the
snapshot's Arrow schemas for DuckDB. Rows name only the columns that matter; the rest get defaults."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from stratacrm.ingest.tables import TABLES_BY_NAME
from stratacrm.segmentation.sources import OPERATIONAL_TABLES, SNAPSHOT_TABLES

from . import engines

Rows = dict[str, list[dict[str, Any]]]
UTC = dt.UTC
_DEFAULTS: dict[str, object] = {"id": None, "version": 1, "contact_form_filled": False}
_TEXT_DEFAULTS = {"status": "active", "customer_type": "residential", "preferred_channel": "phone"}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def complete(rows: Rows) -> Rows:
    """Every table of `engines.DJANGO_COLUMNS`, every column filled (ids numbered, text blank)."""
    full: Rows = {}
    ids = iter(range(1, 1_000_000))
    for source, columns in engines.DJANGO_COLUMNS.items():
        full[source] = []
        for row in rows.get(source, []):
            filled = {}
            for name, kind in columns:
                if name in row:
                    filled[name] = row[name]
                elif name == "id":
                    filled[name] = next(ids)
                elif kind in ("varchar", "text"):
                    filled[name] = _TEXT_DEFAULTS.get(name, "") if source == "customers" else ""
                elif name in ("created_at", "updated_at"):
                    filled[name] = at("2020-01-01 00:00")
                else:
                    filled[name] = _DEFAULTS.get(name)
            full[source].append(filled)
    return full


@contextmanager
def loaded(dialect: str, rows: Rows) -> Iterator[engines.Engine | None]:
    """An engine holding `rows`; None when PostgreSQL is not reachable."""
    data = complete(rows)
    if dialect == "sqlite":
        lite = sqlite3.connect(":memory:")
        _fill(lambda sql, args: lite.execute(sql, args or ()), data, dict(OPERATIONAL_TABLES), "sqlite")
        yield engines.Engine("sqlite", dict(OPERATIONAL_TABLES), lite)
        lite.close()
    elif dialect == "duckdb":
        duck = duckdb.connect(":memory:")
        duck.execute("SET TimeZone = 'UTC'")
        for name, table in arrow_tables(data).items():
            duck.register(f"{name}_arrow", table)
            duck.execute(f"CREATE TABLE {SNAPSHOT_TABLES[name]} AS SELECT * FROM {name}_arrow")
        yield engines.Engine("duckdb", dict(SNAPSHOT_TABLES), duck)
        duck.close()
    else:
        with _postgres(data) as engine:
            yield engine


@contextmanager
def _postgres(data: Rows) -> Iterator[engines.Engine | None]:
    import psycopg

    try:
        connection = psycopg.connect(engines.POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    schema = f"seg_rules_{secrets.token_hex(6)}"
    tables = {source: f"{schema}.{table}" for source, table in OPERATIONAL_TABLES.items()}
    try:
        connection.execute(f"CREATE SCHEMA {schema}")
        connection.execute("SET TIME ZONE 'UTC'")
        _fill(lambda sql, args: connection.execute(sql, args), data, tables, "postgres")
        yield engines.Engine("postgres", tables, connection)
    finally:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.close()


def _fill(execute: Any, data: Rows, tables: dict[str, str], dialect: str) -> None:
    types = engines._POSTGRES_TYPES if dialect == "postgres" else engines._SQLITE_TYPES
    for source, columns in engines.DJANGO_COLUMNS.items():
        ddl = ", ".join(f'"{name}" {types[kind]}' for name, kind in columns)
        execute(f"CREATE TABLE {tables[source]} ({ddl})", None)
        names = [name for name, _ in columns]
        marks = ", ".join(["%s" if dialect == "postgres" else "?"] * len(names))
        quoted = ", ".join(f'"{name}"' for name in names)
        insert = f"INSERT INTO {tables[source]} ({quoted}) VALUES ({marks})"
        for row in data[source]:
            values = [row[name] for name in names]
            execute(insert, values if dialect == "postgres" else [_sqlite(v) for v in values])


def _sqlite(value: object) -> object:
    if isinstance(value, dt.datetime):
        return str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def arrow_tables(data: Rows) -> dict[str, pa.Table]:
    tables = {}
    for name, table_rows in data.items():
        schema = TABLES_BY_NAME[name].schema
        converted = [
            {f.name: float(v) if isinstance(v := row.get(f.name), Decimal) else v for f in schema}
            for row in table_rows
        ]
        tables[name] = pa.Table.from_pylist(converted, schema=schema)
    return tables
