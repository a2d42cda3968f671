"""The grading definition: everything a run compiles, and which stored version each part came from.

`definition_current()` reads the current versions from the database; `definition_from_file(path)`
reads a rule file without writing anything (for `strata rules check` and previews; its versions are 0,
since nothing is stored). Both build the same thing from a `RuleSet`, so a file and the database holding
it compile to the same plan.

Branches are numbered as the compiler numbers them: 1-based, the `<dimension>__rule` value of an
exclusive dimension and the `<i>` of a tag column `<dimension>__<i>`. `rules[(dimension, i)]` names the
rule version behind branch i; a branch a scheme generated (a tier, a risk level) is named
`<scheme>:<label>` and carries the scheme's version.

>>> from .ruleset import ruleset_read
>>> rule = "{name: busy, when: 'interactions_30d > 5', then: {tag: busy}}"
>>> definition = definition_build(ruleset_read(f"dimensions: [{{name: g, mode: tags, rules: [{rule}]}}]"))
>>> definition.rules[("g", 1)].name, definition.rules[("g", 1)].condition_text
('busy', 'interactions_30d > 5')
>>> [output.column for output in definition.plan().outputs]
['g__1']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .compiler import Dimension, Plan, compile_plan
from .compiler.dimensions import Measure
from .conditions import Condition
from .library import BUILTIN_CATALOG
from .ruleset import RuleSet, ruleset_read_file
from .ruleset.building import dimension_branches, scheme_metrics
from .ruleset.custom import custom_catalog

Versions = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class RuleRef:
    """The stored rule version behind one branch of a dimension."""

    dimension: str
    name: str
    version: int
    value: str
    condition_text: str
    priority: int


@dataclass(frozen=True)
class ExplainBranch:
    """One branch as explain shows it: its rule, its condition as a tree, and the metrics to show
    beside it (the condition's names; for a tier or level, the score or points behind it too)."""

    index: int
    rule: RuleRef
    condition: Condition
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class ExplainDimension:
    """A dimension's branches in the order they are tried, its default and the measures beside it."""

    name: str
    mode: str
    label_en: str
    label_zh: str
    default: str | None
    branches: tuple[ExplainBranch, ...]
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class GradingDefinition:
    """The catalog, the dimensions (rule dimensions and the schemes' value_tier, lifecycle, churn_risk),
    the rule version behind every branch, and the versions of everything, as recorded on a run."""

    catalog: Catalog
    dimensions: tuple[Dimension, ...]
    rules: Mapping[tuple[str, int], RuleRef]
    versions: Mapping[str, Any]
    ruleset: RuleSet = field(repr=False)
    explained: tuple[ExplainDimension, ...] = field(repr=False, default=())

    def plan(self) -> Plan:
        """The compiled plan of every metric and dimension (compiled once, then reused)."""
        return self._plan

    @functools.cached_property
    def _plan(self) -> Plan:
        return compile_plan(catalog=self.catalog, dimensions=self.dimensions)

    def explain_fields(self) -> tuple[ExplainDimension, ...]:
        """Per dimension, its branches' rules and conditions in tree form, for explaining a grade."""
        return self.explained


def definition_build(ruleset: RuleSet, *, versions: Versions | None = None) -> GradingDefinition:
    """The definition of a rule set; `versions` are the stored versions ({} or None: all 0)."""
    stored = versions or {}
    catalog = custom_catalog(ruleset.metrics, catalog=BUILTIN_CATALOG)
    catalog = catalog.extend(*scheme_metrics(ruleset, catalog=catalog))
    rule_versions, scheme_versions = stored.get("rules", {}), stored.get("schemes", {})
    labels = {d.name: (d.label_en, d.label_zh) for d in ruleset.dimensions}
    for kind, scheme in ruleset.schemes().items():
        labels.setdefault({"value_score": "value_tier"}.get(kind, kind), (scheme.label_en, scheme.label_zh))
    dimensions, refs, explained = [], {}, []
    for dimension, built in dimension_branches(ruleset, catalog=catalog):
        dimensions.append(dimension)
        branches = []
        for item in built:
            if item.scheme is None:
                version = rule_versions.get(f"{item.dimension}/{item.rule}", 0)
            else:
                version = scheme_versions.get(item.scheme, 0)
            ref = RuleRef(item.dimension, item.rule, version, item.branch.label, item.text, item.priority)
            refs[(item.dimension, item.index)] = ref
            branches.append(ExplainBranch(item.index, ref, item.branch.condition, item.evidence))
        en, zh = labels.get(dimension.name, ("", ""))
        explained.append(
            ExplainDimension(
                dimension.name, dimension.mode, en, zh, dimension.default, tuple(branches), dimension.measures
            )
        )
    all_versions = {
        "rules": {
            f"{r.dimension}/{r.name}": rule_versions.get(f"{r.dimension}/{r.name}", 0)
            for r in ruleset.rules()
        },
        "metrics": {m.name: stored.get("metrics", {}).get(m.name, 0) for m in ruleset.metrics},
        "schemes": {kind: scheme_versions.get(kind, 0) for kind in ruleset.schemes()},
    }
    return GradingDefinition(catalog, tuple(dimensions), refs, all_versions, ruleset, tuple(explained))


def definition_from_file(path: Path) -> GradingDefinition:
    """Read and check a rule file and build its definition, writing nothing (versions are 0).

    Raises `RuleFileError` (every problem with its line and column) when the file is wrong.
    """
    return definition_build(ruleset_read_file(Path(path)))


def definition_current() -> GradingDefinition:
    """The definition made of the database's current rule, metric and scheme versions.

    Raises `NoDefinition` while nothing is defined (no rule file was ever loaded, or all was retired).
    """
    from .runs.definition import NoDefinition
    from .selectors import ruleset_current, ruleset_is_empty

    if ruleset_is_empty():
        raise NoDefinition("no rules, metrics or grade schemes are defined yet: load a rule file")
    ruleset, versions = ruleset_current()
    return definition_build(ruleset, versions=versions)
