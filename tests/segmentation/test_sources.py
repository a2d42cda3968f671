"""The compiler's picture of the tables matches Django's models and the Parquet snapshot's schemas."""

from __future__ import annotations

from django.apps import apps

from stratacrm.ingest.tables import TABLES_BY_NAME
from stratacrm.segmentation.library import ATTRIBUTES
from stratacrm.segmentation.sources import (
    CUSTOMER_CREATED,
    CUSTOMER_ID,
    CUSTOMERS,
    OPERATIONAL_TABLES,
    SNAPSHOT_TABLES,
    SOURCES,
)

from .engines import DJANGO_COLUMNS


def _read_columns(source: str) -> set[str]:
    if source == CUSTOMERS:
        return {CUSTOMER_ID, CUSTOMER_CREATED, *(m.column for m in ATTRIBUTES if m.column)}
    spec = SOURCES[source]
    return {"customer_id", *(name for name in spec.fields if name not in spec.computed)}


def test_every_source_reads_columns_of_its_django_table() -> None:
    models = {model._meta.db_table: model for model in apps.get_models()}
    for source, table in OPERATIONAL_TABLES.items():
        columns = {field.column for field in models[table]._meta.concrete_fields}
        assert _read_columns(source) <= columns, source
        if source == "payments":
            assert "bill_id" in columns and "due_date" in _read_columns("bills")


def test_every_source_reads_columns_of_its_snapshot_file() -> None:
    for source, name in SNAPSHOT_TABLES.items():
        assert _read_columns(source) <= set(TABLES_BY_NAME[name].schema.names), source


def test_the_test_tables_have_exactly_the_django_columns() -> None:
    models = {model._meta.db_table: model for model in apps.get_models()}
    for source, table in OPERATIONAL_TABLES.items():
        columns = [field.column for field in models[table]._meta.concrete_fields]
        assert sorted(name for name, _ in DJANGO_COLUMNS[source]) == sorted(columns), source
