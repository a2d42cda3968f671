"""Turning a validated file batch into the rows of its database table: ids shifted, owners resolved."""

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import models

from .targets import Kind, Target, normalise


@dataclass(frozen=True)
class IdSpace:
    """Where file-local ids land: each table's offset, and the user ids of known usernames."""

    offsets: dict[str, int]
    usernames: pa.Array
    user_ids: pa.Array


def shape(*, target: Target, batch: pa.RecordBatch, ids: IdSpace) -> pa.RecordBatch:
    """The batch as the table's columns (`target.db_columns`), in Arrow types the writers convert."""
    batch = normalise(target=target, batch=batch)
    arrays = []
    for column in target.columns:
        values = batch.column(column.source) if column.source else None
        if column.kind is Kind.OWN_ID:
            arrays.append(pc.add(values, ids.offsets[target.spec.name]))
        elif column.kind is Kind.REFERENCE:
            assert column.parent is not None
            arrays.append(pc.add(values, ids.offsets[column.parent]))
        elif column.kind is Kind.USERNAME:
            arrays.append(pc.take(ids.user_ids, pc.index_in(values, value_set=ids.usernames)))
        elif column.kind is Kind.DEFAULT:
            arrays.append(_constant(field=column.field, value=column.default, length=batch.num_rows))
        elif isinstance(column.field, models.DecimalField):
            arrays.append(pc.round(values, ndigits=column.field.decimal_places))
        else:
            arrays.append(values)
    return pa.RecordBatch.from_arrays(arrays, names=target.db_columns)


def _constant(*, field: models.Field, value: Any, length: int) -> pa.Array:
    if value is None:
        numeric = field.is_relation or isinstance(field, models.IntegerField)
        return pa.nulls(length, pa.int64() if numeric else pa.string())
    if isinstance(value, str):
        value = str(value)  # a TextChoices member is a str subclass Arrow does not take
    return pa.repeat(pa.scalar(value), length)
