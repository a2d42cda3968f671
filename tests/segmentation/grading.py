"""A grading definition built from the compiler's API (what `definitions.py` builds from rule files),
and a generated utility loaded into the test database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stratacrm.ingest.generator import generate
from stratacrm.segmentation.catalog import Catalog
from stratacrm.segmentation.compiler import Branch, Dimension, Plan, compile_plan
from stratacrm.segmentation.text import parse

from . import seed

AS_OF = dt.date(2025, 6, 15)
END_MONTH = dt.date(2025, 6, 1)


@dataclass(frozen=True)
class RuleRef:
    dimension: str
    name: str
    version: int
    value: str
    condition_text: str
    priority: int


@dataclass(frozen=True)
class GradingDefinition:
    catalog: Catalog
    dimensions: tuple[Dimension, ...]
    rules: Mapping[tuple[str, int], RuleRef]
    versions: Mapping[str, Any] = field(default_factory=dict)

    def plan(self) -> Plan:
        return compile_plan(catalog=self.catalog, dimensions=self.dimensions)


# (dimension, mode, default, [(rule name, value, condition)]) in priority order.
RULES: list[tuple[str, str, str | None, list[tuple[str, str, str]]]] = [
    ("seed_group", "exclusive", "other", [(n, n.replace(" ", "_"), c) for n, c in seed.RULES]),
    ("seed_tags", "tags", None, [(n, n.replace(" ", "_"), c) for n, c in seed.RULES]),
    (
        "usage_class",
        "exclusive",
        None,
        [
            (
                "big business",
                "business_high",
                "customer_type IN ('commercial', 'industrial') AND consumption_band = 'high'",
            ),
            ("business", "business", "customer_type IN ('commercial', 'industrial')"),
            ("heavy home", "home_high", "consumption_band = 'high'"),
            ("home", "home", "consumption_band IN ('low', 'medium')"),
        ],
    ),
    (
        "value_tier",
        "exclusive",
        "C",
        [
            ("tier A", "A", "billed_amount_12m > 20000"),
            ("tier B", "B", "billed_amount_12m > 1500 AND late_days_max_12m < 30"),
        ],
    ),
    (
        "churn_risk",
        "exclusive",
        "low",
        [
            (
                "falling",
                "high",
                "kwh_drop_seasonal > 0.3 AND (complaints_12m >= 1 OR late_days_max_12m > 20)",
            ),
            ("watch", "medium", "kwh_drop_seasonal > 0.2 OR complaints_90d >= 1 OR arrears > 500"),
        ],
    ),
    (
        "service",
        "tags",
        None,
        [("complainer", "complainer", "complaints_12m >= 2"), ("quiet", "quiet", "interactions_90d = 0")],
    ),
]


def definition(*, version: int = 1, rules: list[Any] | None = None) -> GradingDefinition:
    """The rules above (or others of the same shape) as a definition, every rule at `version`."""
    catalog = seed.CATALOG
    dimensions = []
    refs: dict[tuple[str, int], RuleRef] = {}
    for name, mode, default, branches in rules or RULES:
        built = []
        for number, (rule, value, text) in enumerate(branches, start=1):
            built.append(Branch(value, parse(text, fields=catalog.fields)))
            refs[(name, number)] = RuleRef(name, rule, version, value, text, 100 - number)
        dimensions.append(Dimension(name, mode, tuple(built), default=default))  # type: ignore[arg-type]
    versions = {f"{d}:{r.name}": r.version for (d, _), r in refs.items()}
    return GradingDefinition(catalog, tuple(dimensions), refs, versions)


def utility(directory: Path, *, customers: int = 300, seed_value: int = 7) -> Path:
    """Generate a utility of `customers` into `directory` (once per directory)."""
    if not (directory / "customers.parquet").exists():
        generate(
            customers=customers,
            seed=seed_value,
            months=24,
            end_month=END_MONTH,
            out_dir=directory,
            fmt="parquet",
        )
    return directory
