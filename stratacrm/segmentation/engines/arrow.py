"""Result columns as Arrow: one type per column of a plan, whatever engine produced the values.

Engines hand back the same values in different shapes (SQLite: 0/1 for booleans and REAL for decimals;
PostgreSQL: `Decimal`; Spark: `int32` counts). `result_types` says what each column of a plan is, and
`conform` casts a table to it, so results compare row by row across engines.

>>> conform(pa.table({"id": [1], "b": [1]}), {"id": pa.int64(), "b": pa.bool_()}).to_pylist()
[{'id': 1, 'b': True}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from ..catalog import Catalog
from ..compiler import Plan
from ..fields import Kind

CUSTOMER_COLUMN = "customer_id"
TIMESTAMP = pa.timestamp("us", tz="UTC")
KIND_TYPES: Mapping[Kind, pa.DataType] = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "text": pa.string(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": TIMESTAMP,
}
ROLE_TYPES: Mapping[str, pa.DataType] = {"group": pa.string(), "rule": pa.int64(), "tag": pa.bool_()}
# A column without a known type (a population value) is read as it comes, decimals as float64.
ColumnTypes = Mapping[str, pa.DataType | None]


def result_types(*, plan: Plan, catalog: Catalog) -> dict[str, pa.DataType | None]:
    """The Arrow type of every column of the plan's result, in order (None: numeric, as read)."""
    types: dict[str, pa.DataType | None] = {CUSTOMER_COLUMN: pa.int64()}
    for name in plan.metrics:
        types[name] = KIND_TYPES[catalog.resolve(name).kind]
    for output in plan.outputs:
        types.setdefault(output.column, ROLE_TYPES.get(output.role))  # measures are metrics already
    return types


def conform(table: pa.Table, types: ColumnTypes) -> pa.Table:
    """Cast every column to its type; columns without one become float64 when they are decimals."""
    columns = []
    for name in table.column_names:
        column = table.column(name)
        wanted = types.get(name)
        if wanted is None and pa.types.is_decimal(column.type):
            wanted = pa.float64()
        if wanted is not None and column.type != wanted:
            column = _cast(column, wanted)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _cast(column: pa.ChunkedArray, wanted: pa.DataType) -> pa.ChunkedArray:
    if pa.types.is_boolean(wanted) and not pa.types.is_boolean(column.type):
        column = column.cast(pa.int64())  # SQLite's 0/1; Decimal 0/1 from PostgreSQL
    if pa.types.is_timestamp(wanted) and pa.types.is_string(column.type):
        column = column.cast(pa.timestamp("us")).cast(wanted)
    return column.cast(wanted)


def rows_to_table(rows: Sequence[Sequence[Any]], names: Sequence[str], types: ColumnTypes) -> pa.Table:
    """Rows of Python values (as DB-API drivers return them) as a conformed Arrow table."""
    wire = [_wire(types.get(name)) for name in names]
    if rows and None not in wire:
        # Arrow reads the row tuples as one struct array, in C: several times faster than by column
        # in Python. Values of another shape than expected (Decimal, datetime) take the way below.
        try:
            struct = pa.array(rows, pa.struct([pa.field(f"c{i}", t) for i, t in enumerate(wire)]))
            return conform(pa.table(struct.flatten(), names=list(names)), types)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    arrays = [_array(list(values), types.get(name)) for values, name in zip(columns, names, strict=True)]
    return conform(pa.table(arrays, names=list(names)), types)


def _wire(wanted: pa.DataType | None) -> pa.DataType | None:
    """The type a driver's values of a column arrive as: booleans as 0/1, dates and times as text."""
    if wanted is None:
        return None
    if pa.types.is_boolean(wanted):
        return pa.int64()
    return pa.string() if pa.types.is_temporal(wanted) else wanted


def _array(values: list[Any], wanted: pa.DataType | None) -> pa.Array:
    if wanted is None or pa.types.is_boolean(wanted) or pa.types.is_temporal(wanted):
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array([None if v is None else float(v) for v in values], pa.float64())
    try:
        return pa.array(values, wanted)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values).cast(wanted)
