"""The plan: one query giving, per customer, every metric, every dimension's group and every tag.

```
WITH base AS (customers LEFT JOIN one grouped subquery per source: attributes and aggregates),
     derived_1 AS (SELECT *, <ratios, differences…> FROM base), derived_2 AS (<bands> …)
SELECT customer_id, <metrics>, <dimension CASE>, <tag booleans> FROM derived_n [WHERE …] ORDER BY customer_id
```
Table names are the sources' names until `render` swaps in the physical ones, so the same plan runs in
the operational database and over the Parquet snapshot. Customers created after as_of are left out,
so a past date can be replayed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlglot import exp

from ..catalog import Catalog
from ..conditions import Condition, Scalar, keys
from ..fields import check_condition
from ..sources import check_tables
from .aggregates import CUSTOMER, CUSTOMER_FILTER
from .dimensions import Dimension, Output, check_dimensions, dimension_columns
from .expressions import Resolver, condition_expression
from .metrics import metric_layers
from .params import DIALECTS, SESSION_SETUP, AsOf, Binder, Dialect, driver_value, resolve


@dataclass(frozen=True)
class Query:
    """SQL for one dialect and its parameters, shaped for that dialect's driver."""

    sql: str
    params: dict[str, object]
    dialect: Dialect
    setup: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A compiled plan; `render` it for an engine, a date and optionally a few customers."""

    select: exp.Select
    values: Mapping[str, Scalar | AsOf]
    metrics: tuple[str, ...]
    outputs: tuple[Output, ...]

    def render(
        self,
        *,
        dialect: Dialect,
        tables: Mapping[str, str],
        as_of: dt.date,
        customer_ids: Sequence[int] | None = None,
        pretty: bool = False,
    ) -> Query:
        """The plan as SQL with its parameters; `customer_ids` restricts every pass to those customers."""
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r} (one of {', '.join(DIALECTS)})")
        tree = self.select.copy()
        sources = {t.meta["source"] for t in tree.find_all(exp.Table) if "source" in t.meta}
        check_tables(tables, needed=frozenset(sources))
        for table in tree.find_all(exp.Table):
            if "source" in table.meta:
                physical = exp.to_table(tables[table.meta["source"]])
                table.set("this", physical.this)
                table.set("db", physical.args.get("db"))
        values: dict[str, Scalar | AsOf] = dict(self.values)
        if customer_ids is not None:
            ids = [_customer_id(i) for i in customer_ids]
            names = [f"customer_id_{n}" for n in range(1, len(ids) + 1)]
            values.update(zip(names, ids, strict=True))
            for select in list(tree.find_all(exp.Select)):
                if CUSTOMER_FILTER in select.meta:
                    column = select.meta[CUSTOMER_FILTER].copy()
                    listed: list[exp.Expr] = [exp.Placeholder(this=n) for n in names] or [exp.null()]
                    select.where(exp.In(this=column, expressions=listed), copy=False)
        sql = tree.sql(dialect=dialect, identify=True, pretty=pretty)
        return Query(sql, resolve(values, as_of=as_of, dialect=dialect), dialect, SESSION_SETUP[dialect])


def render_condition(condition: Condition, *, catalog: Catalog, dialect: Dialect) -> Query:
    """A condition alone: the boolean expression a plan uses over its row of metrics.

    >>> from ..library import BUILTIN_CATALOG
    >>> from ..conditions import Leaf
    >>> render_condition(Leaf("amount_12m", ">", 10000), catalog=BUILTIN_CATALOG, dialect="duckdb").sql
    '"billed_amount_12m" > $v1'
    """
    check_condition(condition, fields=catalog.fields)
    binder = Binder()
    expression = condition_expression(condition, resolve=_row(catalog), binder=binder)
    params = {name: driver_value(value, dialect=dialect) for name, value in binder.values.items()}
    return Query(expression.sql(dialect=dialect, identify=True), params, dialect)


def _row(catalog: Catalog) -> Resolver:
    """Reads a name from the plan's row of metrics (aliases read the metric they stand for)."""

    def column(key: str) -> tuple[exp.Expr, bool]:
        return exp.column(catalog.resolve(key).name), catalog.nullable(key)

    return column


def _customer_id(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"customer ids are integers, not {value!r}")
    return value


def compile_plan(
    *,
    catalog: Catalog,
    metrics: Iterable[str] | None = None,
    dimensions: Sequence[Dimension] = (),
    where: Condition | None = None,
) -> Plan:
    """Compile metrics (all of the catalog's by default), dimensions and a row filter into one plan."""
    conditions = [b.condition for d in dimensions for b in d.branches] + (
        [where] if where is not None else []
    )
    for condition in conditions:
        check_condition(condition, fields=catalog.fields)
    check_dimensions(dimensions, catalog=catalog)
    wanted = list(catalog.metrics) if metrics is None else [catalog.resolve(n).name for n in metrics]
    wanted += [catalog.resolve(key).name for c in conditions for key in sorted(keys(c))]
    ordered = catalog.ordered(dict.fromkeys(wanted))
    binder = Binder()
    layers = metric_layers(ordered, binder=binder)
    last = f"derived_{len(layers) - 1}" if len(layers) > 1 else "base"

    column = _row(catalog)
    names = [m.name for m in ordered]
    select = exp.select(CUSTOMER, *names)
    outputs: list[Output] = []
    for dimension in dimensions:
        for expression, output in dimension_columns(dimension, column=column, binder=binder):
            select = select.select(expression.as_(output.column), copy=False)
            outputs.append(output)
    select = select.from_(last, copy=False)
    if where is not None:
        select = select.where(condition_expression(where, resolve=column, binder=binder), copy=False)
    for i, layer in enumerate(layers):
        select = select.with_("base" if i == 0 else f"derived_{i}", as_=layer, copy=False)
    select = select.order_by(CUSTOMER, copy=False)
    return Plan(select, dict(binder.values), tuple(names), tuple(outputs))
