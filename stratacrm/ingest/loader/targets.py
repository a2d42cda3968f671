"""Where each file column goes: the model field it fills, the database column, and how its value is made.

Table and column names come from the Django models, so a renamed field or table needs no change here.
"""

from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from stratacrm.ingest.tables import TableSpec

STRING_FIELDS = (models.CharField, models.TextField)


class Kind(Enum):
    """How a database column's value is made from a file row."""

    VALUE = "value"  # the file's value as it is (decimals rounded to their places)
    OWN_ID = "own_id"  # the file-local id shifted past the table's ids
    REFERENCE = "reference"  # a file-local id of a parent table, shifted like that table's ids
    USERNAME = "username"  # a user's username, replaced by the user's id
    DEFAULT = "default"  # not in the file: the field's default for every row


@dataclass(frozen=True)
class Column:
    """One database column a table's rows fill."""

    db_column: str
    field: models.Field
    kind: Kind
    source: str | None = None  # the file column
    parent: str | None = None  # the referenced table's spec name, for REFERENCE
    default: Any = None


@dataclass(frozen=True)
class Target:
    """A table spec resolved against its Django model."""

    spec: TableSpec
    model: type[models.Model]

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """Every column a row fills: each concrete field, from the file or from the field's default."""
        return _columns(spec=self.spec, model=self.model)

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def db_columns(self) -> list[str]:
        return [c.db_column for c in self.columns]

    def field(self, file_column: str) -> models.Field:
        """The model field a file column fills."""
        return self.model._meta.get_field(file_column)  # type: ignore[return-value]

    def file_column(self, field_name: str) -> str | None:
        """The file column holding a model field, or None when the file does not hold it."""
        field = self.model._meta.get_field(field_name)
        names = {field.name, getattr(field, "attname", field.name)}
        return next((n for n in self.spec.schema.names if n in names), None)


def target_for(*, spec: TableSpec) -> Target:
    """The spec's model, found by its "app_label.ModelName"."""
    return Target(spec, apps.get_model(spec.model))


def _columns(*, spec: TableSpec, model: type[models.Model]) -> tuple[Column, ...]:
    references = dict(spec.references)
    file_columns = set(spec.schema.names)
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            if spec.id_column:
                columns.append(Column(field.column, field, Kind.OWN_ID, source=spec.id_column))
        elif field.attname in file_columns and field.attname in references:
            columns.append(
                Column(
                    field.column,
                    field,
                    Kind.REFERENCE,
                    source=field.attname,
                    parent=references[field.attname],
                )
            )
        elif field.name in file_columns and field.is_relation:
            if field.related_model != apps.get_model(settings.AUTH_USER_MODEL):
                raise ImproperlyConfigured(f"{spec.name}.{field.name}: only users are named by a natural key")
            columns.append(Column(field.column, field, Kind.USERNAME, source=field.name))
        elif field.name in file_columns:
            columns.append(Column(field.column, field, Kind.VALUE, source=field.name))
        elif field.has_default() or field.null:
            columns.append(Column(field.column, field, Kind.DEFAULT, default=field.get_default()))
        else:
            raise ImproperlyConfigured(f"{spec.name} has no column for the required field {field.name}")
    return tuple(columns)


def normalise(*, target: Target, batch: pa.RecordBatch) -> pa.RecordBatch:
    """Fill what a file may leave empty: nulls of non-null fields with their default, or '' if blank.

    A blank username (an owner) means no owner. Nulls that remain in non-null fields are reported by
    validation as required values.
    """
    arrays = []
    for name, array in zip(batch.schema.names, batch.columns, strict=True):
        field = target.field(name)
        if field.is_relation and pa.types.is_string(array.type):
            array = pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)
        elif array.null_count and not field.null and not field.primary_key:
            fill = _fill_value(field)
            if fill is not None:
                array = pc.fill_null(array, pa.scalar(fill, array.type))
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema)


def _fill_value(field: models.Field) -> Any:
    if field.has_default():
        default = field.get_default()
        return float(default) if isinstance(field, models.DecimalField) else default
    if field.blank and isinstance(field, STRING_FIELDS):
        return ""
    return None
