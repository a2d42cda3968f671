"""Dimensions: an exclusive dimension is one `CASE` by priority, a tags dimension one boolean per rule.

>>> from ..conditions import Leaf
>>> rules = (Branch("high value", Leaf("amount_12m", ">", 10000)),)
>>> d = Dimension("value_group", "exclusive", rules, default="other")
>>> [o.column for _, o in dimension_columns(d, column=lambda k: (exp.column(k), False), binder=Binder())]
['value_group', 'value_group__rule']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from ..catalog import Catalog
from ..conditions import Condition
from .aggregates import CUSTOMER
from .expressions import Resolver, condition_expression, one, when
from .params import Binder

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Branch:
    """One rule of a dimension: customers meeting `condition` get `label` (a group or a tag)."""

    label: str
    condition: Condition


MeasureRole = Literal["score", "points", "signal", "component"]


@dataclass(frozen=True)
class Measure:
    """A metric published with a dimension: the score behind a tier (`score`), a part of that score
    (`component`), the points total behind a risk level (`points`) or one warning signal's points
    (`signal`); `label` names the part or the signal."""

    metric: str
    role: MeasureRole
    label: str | None = None


@dataclass(frozen=True)
class Dimension:
    """Exclusive: one label per customer, the first matching branch wins (branches in priority order),
    else `default`. Tags: one boolean column per branch. `measures` are published beside it."""

    name: str
    mode: Literal["exclusive", "tags"]
    branches: tuple[Branch, ...]
    default: str | None = None
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class Output:
    """A column of the plan's result beyond the metrics, and what it is to its dimension.

    | role        | column                  | value                                                     |
    | ----------- | ----------------------- | --------------------------------------------------------- |
    | `group`     | `<dimension>`           | the label (exclusive dimensions)                           |
    | `rule`      | `<dimension>__rule`     | the 1-based position of the branch that matched, or NULL   |
    | `tag`       | `<dimension>__<i>`      | whether branch i (1-based) matched; `label` is its tag     |
    | `score`     | a metric (`value_score`) | the score a value tier is cut from (a number)            |
    | `component` | a metric                | one part of that score; `label` names the part             |
    | `points`    | a metric (`churn_points`) | the points total a risk level is cut from               |
    | `signal`    | a metric                | one warning signal's points; `label` names the signal      |

    Measure columns are metrics too, so they also appear in `Plan.metrics`.
    """

    column: str
    dimension: str
    role: Literal["group", "rule", "tag", "score", "points", "signal", "component"]
    label: str | None = None


def check_dimensions(dimensions: Sequence[Dimension], *, catalog: Catalog) -> None:
    seen: set[str] = set()
    for dimension in dimensions:
        if (
            not _IDENTIFIER.fullmatch(dimension.name)
            or dimension.name in catalog
            or dimension.name == CUSTOMER
        ):
            raise ValueError(f"{dimension.name!r} cannot name a dimension: use a new lower-case identifier")
        if dimension.name in seen:
            raise ValueError(f"two dimensions are named {dimension.name!r}")
        if dimension.mode not in ("exclusive", "tags") or not dimension.branches:
            raise ValueError(f"dimension {dimension.name!r} needs a mode (exclusive or tags) and rules")
        if not all(isinstance(b.label, str) and b.label for b in dimension.branches):
            raise ValueError(f"every rule of dimension {dimension.name!r} needs a label")
        seen.add(dimension.name)


def dimension_columns(
    dimension: Dimension, *, column: Resolver, binder: Binder
) -> list[tuple[exp.Expr, Output]]:
    tests = [condition_expression(b.condition, resolve=column, binder=binder) for b in dimension.branches]
    if dimension.mode == "tags":
        return [
            (test, Output(f"{dimension.name}__{i}", dimension.name, "tag", branch.label))
            for i, (test, branch) in enumerate(zip(tests, dimension.branches, strict=True), start=1)
        ]
    labels = [(test, binder.value(b.label)) for test, b in zip(tests, dimension.branches, strict=True)]
    default = binder.value(dimension.default) if dimension.default is not None else None
    rules = [(test.copy(), one(i)) for i, test in enumerate(tests, start=1)]
    return [
        (when(labels, default), Output(dimension.name, dimension.name, "group")),
        (when(rules), Output(f"{dimension.name}__rule", dimension.name, "rule")),
    ]
