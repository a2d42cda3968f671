"""The plan: one query giving, per customer, every metric, every dimension's group and every tag.

```
WITH base AS (customers LEFT JOIN one grouped subquery per source: attributes and aggregates),
     derived_1 AS (SELECT *, <ratios, differences…> FROM base), derived_2 AS (<bands> …)
SELECT customer_id, <metrics>, <dimension CASE>, <tag booleans> FROM derived_n [WHERE …] ORDER BY customer_id
```
Table names are the sources' names until `render` swaps in the physical ones, so the same plan runs in
the operational database and over the Parquet snapshot. Customers created after as_of are left out,
so a past date can be replayed.

A plan with bins, scaling or quantile tiers (`scoring.py`) grades each customer against population
values. `render` computes them inside the query (`population_<level>` CTEs) unless `population=` gives
them; `render_population` gives the one-row query that computes them alone. Grading a few customers
(`customer_ids=`) needs them given — the values recorded by the last batch run — so one customer graded
alone gets exactly the tier the batch gave it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlglot import exp

from ..catalog import Catalog, Metric
from ..conditions import Condition, Scalar, keys
from ..fields import check_condition
from ..scoring import POPULATION_AGGREGATES
from ..sources import check_tables
from .aggregates import CUSTOMER, CUSTOMER_FILTER
from .dimensions import Dimension, Output, check_dimensions, dimension_columns
from .expressions import Resolver, condition_expression
from .metrics import POPULATION_PREFIX, PopulationMode, metric_layers
from .params import (
    DERIVED_SETUP,
    DIALECTS,
    LAYERED_SETUP,
    SESSION_SETUP,
    AsOf,
    Binder,
    Dialect,
    driver_value,
    resolve,
)


@dataclass(frozen=True)
class Query:
    """SQL for one dialect and its parameters, shaped for that dialect's driver."""

    sql: str
    params: dict[str, object]
    dialect: Dialect
    setup: tuple[str, ...] = ()
    layers: tuple[tuple[str, str], ...] = ()  # (name, SELECT) computed first, in order
    population_sql: str = ""  # with layers: the one-row SELECT of the population values over them
    derived_setup: tuple[str, ...] = ()  # with layers: run once the first layer is built

    def script(self) -> str:
        """The layers (each under its name) then the query: what the engine is given, to read."""
        parts = [f"-- layer {name}\n{sql};" for name, sql in self.layers]
        return "\n".join([*parts, self.sql])


PopulationValues = Mapping[str, float | int | None]


@dataclass(frozen=True)
class Plan:
    """A compiled plan; `render` it for an engine, a date and optionally a few customers.

    `bound` is the same plan reading its population values from parameters, `population` the plan of
    the one row computing them, `population_names` their names (empty when the plan needs none).
    """

    select: exp.Select
    values: Mapping[str, Scalar | AsOf]
    metrics: tuple[str, ...]
    outputs: tuple[Output, ...]
    bound: exp.Select | None = None
    population: Plan | None = None
    population_names: tuple[str, ...] = ()

    def render(
        self,
        *,
        dialect: Dialect,
        tables: Mapping[str, str],
        as_of: dt.date,
        customer_ids: Sequence[int] | None = None,
        population: PopulationValues | None = None,
        pretty: bool = False,
        layered: bool = False,
    ) -> Query:
        """The plan as SQL with its parameters; `customer_ids` restricts every pass to those customers.

        `population` gives the population values (a row of `render_population`); without it a batch
        computes them itself, and a render for a few customers is refused. `layered`: every layer is
        its own statement (`Query.layers`, always so on Spark), and a batch that computes its
        population values also gets the SELECT reading them back (`Query.population_sql`), so one
        pass over the data gives both the results and the values to record. Its results come in no
        particular order: the reader sorts them by customer (`sorted_by_customer`), which Arrow does
        faster than an engine sorts a million rows of every metric.
        """
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r} (one of {', '.join(DIALECTS)})")
        source, given = self._tree(customer_ids=customer_ids, population=population)
        return self._render(
            source,
            given,
            dialect=dialect,
            tables=tables,
            as_of=as_of,
            ids=customer_ids,
            pretty=pretty,
            layered=layered or dialect in SEPARATE_LAYERS,
            ordered=not layered,
        )

    def render_population(
        self, *, dialect: Dialect, tables: Mapping[str, str], as_of: dt.date, pretty: bool = False
    ) -> Query:
        """The one-row query of the population values, over every customer created by as_of."""
        if self.population is None:
            raise ValueError("this plan grades nobody against the population: it has no population values")
        return self.population.render(dialect=dialect, tables=tables, as_of=as_of, pretty=pretty)

    def _tree(
        self, *, customer_ids: Sequence[int] | None, population: PopulationValues | None
    ) -> tuple[exp.Select, dict[str, object]]:
        if not self.population_names:
            return self.select, {}
        if population is None:
            if customer_ids is not None:
                raise ValueError(
                    "grading a few customers needs the population values of a batch run: "
                    "pass population= (a row of render_population)"
                )
            return self.select, {}
        missing = [name for name in self.population_names if name not in population]
        if missing:
            raise ValueError(f"the population values lack {missing[0]!r}")
        assert self.bound is not None
        return self.bound, {name: _population_value(population[name]) for name in self.population_names}

    def _render(
        self,
        source: exp.Select,
        given: dict[str, object],
        *,
        dialect: Dialect,
        tables: Mapping[str, str],
        as_of: dt.date,
        ids: Sequence[int] | None,
        pretty: bool,
        layered: bool = False,
        ordered: bool = True,
    ) -> Query:
        customer_ids = ids
        tree = source.copy()
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
        used = {placeholder.name for placeholder in tree.find_all(exp.Placeholder)}
        params = resolve({k: v for k, v in values.items() if k in used}, as_of=as_of, dialect=dialect)
        params.update({k: driver_value(v, dialect=dialect) for k, v in given.items()})
        if not layered:
            if dialect in MATERIALIZED_LAYERS:
                for cte in tree.find_all(exp.CTE):
                    cte.set("materialized", True)
            sql = tree.sql(dialect=dialect, identify=True, pretty=pretty)
            return Query(sql, params, dialect, SESSION_SETUP[dialect])
        layers = tuple(
            (cte.alias, cte.this.sql(dialect=dialect, identify=True, pretty=pretty)) for cte in tree.ctes
        )
        tree.set("with_", None)
        if not ordered:
            tree.set("order", None)
        sql = tree.sql(dialect=dialect, identify=True, pretty=pretty)
        populations = [name for name, _ in layers if name.startswith(POPULATION_PREFIX)]
        read = (
            _population_row(populations).sql(dialect=dialect, identify=True, pretty=pretty)
            if populations
            else ""
        )
        derived = DERIVED_SETUP.get(dialect, ())
        return Query(sql, params, dialect, LAYERED_SETUP[dialect], layers, read, derived)


# Layers are computed once each. Left to themselves, SQLite and PostgreSQL inline a layer read only
# once, copying its expressions into every place the next layer names them: with a 100-bin score the
# query grew about twentyfold in run time at 20,000 customers.
MATERIALIZED_LAYERS = frozenset({"sqlite", "postgres"})
# Spark inlines every layer into one logical plan, which grew past the driver's memory with the
# utility rules: there each layer is its own query, checkpointed before the next reads it.
SEPARATE_LAYERS = frozenset({"spark"})


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


def _population_value(value: object) -> object:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | Decimal)):
        raise TypeError(f"population values are numbers, not {value!r}")
    return float(value) if isinstance(value, Decimal) else value


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
    wanted += [catalog.resolve(m.metric).name for d in dimensions for m in d.measures]
    ordered = catalog.ordered(dict.fromkeys(wanted))
    binder = Binder()
    column = _row(catalog)
    select, outputs = _assemble(ordered, "inline", dimensions, where, binder=binder, column=column)
    relative = [m for m in ordered if m.aggregate in POPULATION_AGGREGATES]
    if not relative:
        return Plan(select, dict(binder.values), tuple(m.name for m in ordered), tuple(outputs))
    bound, _ = _assemble(ordered, "bound", dimensions, where, binder=binder, column=column)
    names = tuple(name for m in relative if m.scoring is not None for name in m.scoring.cut_names(m.name))
    population = _population_plan(catalog, relative)
    return Plan(
        select, dict(binder.values), tuple(m.name for m in ordered), tuple(outputs), bound, population, names
    )


def _assemble(
    ordered: list[Metric],
    mode: PopulationMode,
    dimensions: Sequence[Dimension],
    where: Condition | None,
    *,
    binder: Binder,
    column: Resolver,
) -> tuple[exp.Select, list[Output]]:
    layers = metric_layers(ordered, binder=binder, resolve=column, population=mode)
    names = [m.name for m in ordered]
    select = exp.select(CUSTOMER, *names)
    outputs: list[Output] = []
    for dimension in dimensions:
        for expression, output in dimension_columns(dimension, column=column, binder=binder):
            select = select.select(expression.as_(output.column), copy=False)
            outputs.append(output)
        for measure in dimension.measures:
            metric = column(measure.metric)[0].name
            outputs.append(Output(metric, dimension.name, measure.role, measure.label))
    select = select.from_(layers[-1][0], copy=False)
    if where is not None:
        select = select.where(condition_expression(where, resolve=column, binder=binder), copy=False)
    for name, layer in layers:
        select = select.with_(name, as_=layer, copy=False)
    return select.order_by(CUSTOMER, copy=False), outputs


def _population_plan(catalog: Catalog, relative: list[Metric]) -> Plan:
    """Only the metrics the population values need, and one row of them."""
    binder = Binder()
    layers = metric_layers(catalog.ordered(m.name for m in relative), binder=binder, resolve=_row(catalog))
    populations = [name for name, _ in layers if name.startswith(POPULATION_PREFIX)]
    last = max(i for i, (name, _) in enumerate(layers) if name in populations)
    select = _population_row(populations)
    for name, layer in layers[: last + 1]:
        select = select.with_(name, as_=layer, copy=False)
    return Plan(select, dict(binder.values), (), ())


def _population_row(populations: Sequence[str]) -> exp.Select:
    """The one row of population values: every `population_<level>` layer, cross-joined."""
    select = exp.select(exp.Star()).from_(populations[0], copy=False)
    for name in populations[1:]:
        select = select.join(name, join_type="CROSS", copy=False)
    return select
