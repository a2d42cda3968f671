"""The metric catalog: every name a condition may use, and how its value is obtained.

A metric is an aggregate of one source over a window before as_of (`sum(bills.amount) over 12 months`),
a customer attribute (source `customers`, aggregate `value`), or a formula over other metrics (source
`derived`: ratio, change, drop, difference, band, and the scores of grade schemes in `scoring.py`).
Built-ins ship in `library.py`; admins add their own with `define_metric`, which accepts only the plain
aggregates and explains every mistake.

>>> from .library import BUILTIN_CATALOG
>>> m = define_metric(catalog=BUILTIN_CATALOG, name="purchase_amount_12m", source="transactions",
...                   aggregate="sum(amount)", window="12 months")
>>> m.kind, m.column, str(m.window)
('number', 'amount', '12 months')
>>> define_metric(catalog=BUILTIN_CATALOG, name="x", source="bills", aggregate="sum", column="amont")
Traceback (most recent call last):
...
stratacrm.segmentation.conditions.ConditionError: bills has no column 'amont'; did you mean amount?
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .conditions import Condition, ConditionError
from .fields import NUMERIC_KINDS, Field, Kind, check_condition, nearest
from .scoring import SCORE_AGGREGATES, Quantiles, Scoring
from .sources import CUSTOMERS, EVENT_SOURCES, SOURCES
from .text import parse
from .windows import Window, window_parse

Aggregate = Literal[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "count_distinct",
    "last",
    "days_since",
    "months_since",
    "value",
    "ratio",
    "change",
    "drop",
    "difference",
    "band",
    "points",
    "weighted",
    "bin",
    "scaled",
    "quantile",
]
CUSTOM_AGGREGATES = ("count", "sum", "avg", "min", "max", "count_distinct")
DERIVED = "derived"
_ZERO_DEFAULT = frozenset({"count", "count_distinct", "sum"})
_AGGREGATE_SPELLING = re.compile(r"(\w+)\s*\(\s*(\w*|\*)\s*\)")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
RESERVED_NAMES = frozenset({"customer_id"})
POPULATION_PREFIX = "pop__"  # the names of population values (scoring.cut_name)


@dataclass(frozen=True)
class Bands:
    """Labels for a value by thresholds that depend on the customer type.

    A value below the first threshold gets the first label, below the second the second, and so on;
    types not listed use `default`.
    """

    labels: tuple[str, ...]
    by_type: tuple[tuple[str, tuple[float, ...]], ...]
    default: tuple[float, ...]


@dataclass(frozen=True)
class Metric:
    """A named value per customer. Counts and sums of nothing are 0; other aggregates are missing."""

    name: str
    source: str
    aggregate: Aggregate
    column: str | None = None
    filter: Condition | None = None
    window: Window | None = None
    description_en: str = ""
    description_zh: str = ""
    kind: Kind = "number"
    time_column: str | None = None
    inputs: tuple[str, ...] = ()
    bands: Bands | None = None
    aliases: tuple[str, ...] = ()
    scoring: Scoring | None = None  # for the scheme aggregates (see scoring.py)

    @property
    def default(self) -> int | None:
        return 0 if self.aggregate in _ZERO_DEFAULT else None

    @property
    def derived(self) -> bool:
        return self.source == DERIVED


class Catalog:
    """The metrics known to a plan, by name and alias, in a fixed order."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        by_name: dict[str, Metric] = {}
        names: dict[str, str] = {}
        for metric in metrics:
            for name in (metric.name, *metric.aliases):
                if name in names:
                    raise ConditionError(f"the name {name!r} is used twice in the catalog")
                names[name] = metric.name
            by_name[metric.name] = metric
        self.metrics: Mapping[str, Metric] = MappingProxyType(by_name)
        self._names = names
        for metric in by_name.values():
            missing = [n for n in metric.inputs if n not in names]
            if missing:
                raise ConditionError(f"{metric.name} needs the unknown metric {missing[0]!r}")
        self._nullable: dict[str, bool] = {}
        for metric in self.ordered(by_name):
            self._nullable[metric.name] = self._compute_nullable(metric)
        fields = {name: self._field(by_name[canonical], name) for name, canonical in names.items()}
        self.fields: Mapping[str, Field] = MappingProxyType(fields)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def resolve(self, name: str) -> Metric:
        """The metric a name or alias stands for."""
        canonical = self._names.get(name)
        if canonical is None:
            raise ConditionError.of(
                "unknown_name", "unknown name {name!r}", None, nearest(name, self._names), name=name
            )
        return self.metrics[canonical]

    def nullable(self, name: str) -> bool:
        return self._nullable[self.resolve(name).name]

    def extend(self, *metrics: Metric) -> Catalog:
        """A catalog with these metrics added after the existing ones."""
        return Catalog((*self.metrics.values(), *metrics))

    def ordered(self, names: Iterable[str]) -> list[Metric]:
        """The metrics named and everything they need, inputs before the metrics that use them."""
        done: dict[str, Metric] = {}

        def visit(name: str, trail: tuple[str, ...]) -> None:
            metric = self.resolve(name)
            if metric.name in done:
                return
            if metric.name in trail:
                raise ConditionError(f"{metric.name} depends on itself")
            for needed in metric.inputs:
                visit(needed, (*trail, metric.name))
            done[metric.name] = metric

        for name in names:
            visit(name, ())
        return list(done.values())

    def _compute_nullable(self, metric: Metric) -> bool:
        if metric.aggregate == "difference":
            return any(self._nullable[self.resolve(n).name] for n in metric.inputs)
        if metric.aggregate == "value":
            return metric.kind != "boolean"
        if metric.aggregate in SCORE_AGGREGATES:
            return False
        if metric.source == CUSTOMERS:
            return False
        return metric.default is None

    def _field(self, metric: Metric, name: str) -> Field:
        labels = metric.bands.labels if metric.bands else ()
        if isinstance(metric.scoring, Quantiles):
            labels = metric.scoring.labels
        return Field(name, metric.kind, nullable=self._nullable[metric.name], choices=labels)


def define_metric(
    *,
    catalog: Catalog,
    name: str,
    source: str,
    aggregate: str,
    column: str | None = None,
    filter: str | Condition | None = None,
    window: str | Window | None = None,
    time_column: str | None = None,
    description_en: str = "",
    description_zh: str = "",
) -> Metric:
    """A custom metric, checked against the catalog and its source; `aggregate` may read `sum(amount)`."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConditionError(f"{name!r} is not a valid metric name (lower-case letters, digits, _)")
    if name in catalog or name in RESERVED_NAMES or name.startswith(POPULATION_PREFIX):
        raise ConditionError(f"a metric named {name!r} already exists")
    if source not in EVENT_SOURCES:
        raise ConditionError(
            f"unknown source {source!r} (one of {', '.join(EVENT_SOURCES)})",
            suggestion=nearest(str(source), EVENT_SOURCES),
        )
    spelled = _AGGREGATE_SPELLING.fullmatch(aggregate.strip().lower())
    if spelled:
        if column is not None:
            raise ConditionError("give the column either in the aggregate or as column, not both")
        aggregate, column = (
            spelled.group(1),
            (spelled.group(2) if spelled.group(2) not in ("", "*") else None),
        )
    if aggregate not in CUSTOM_AGGREGATES:
        raise ConditionError(
            f"unknown aggregate {aggregate!r} (one of {', '.join(CUSTOM_AGGREGATES)})",
            suggestion=nearest(aggregate, CUSTOM_AGGREGATES),
        )
    fields = SOURCES[source].fields
    kind = _aggregate_kind(source=source, aggregate=aggregate, column=column, fields=fields)
    if time_column is not None and fields.get(time_column, Field("", "text")).kind not in (
        "date",
        "datetime",
    ):
        raise ConditionError(f"{source} has no date or time column {time_column!r}")
    condition = parse(filter, fields=fields) if isinstance(filter, str) else filter
    if condition is not None:
        check_condition(condition, fields=fields)
    return Metric(
        name=name,
        source=source,
        aggregate=aggregate,  # type: ignore[arg-type]
        column=column,
        filter=condition,
        window=window_parse(window),
        description_en=description_en,
        description_zh=description_zh,
        kind=kind,
        time_column=time_column,
    )


def _aggregate_kind(*, source: str, aggregate: str, column: str | None, fields: Mapping[str, Field]) -> Kind:
    if column is None:
        if aggregate != "count":
            raise ConditionError(f"{aggregate} needs a column of {source}")
        return "integer"
    if column not in fields:
        raise ConditionError(f"{source} has no column {column!r}", suggestion=nearest(column, fields))
    field = fields[column]
    if aggregate in ("count", "count_distinct"):
        return "integer"
    if field.kind not in NUMERIC_KINDS:
        raise ConditionError(f"{aggregate} needs a numeric column; {source}.{column} is {field.kind}")
    if aggregate in ("sum", "avg"):
        return "number" if aggregate == "avg" or field.kind == "number" else "integer"
    return field.kind
