"""Reading a rule file: YAML text to a checked `RuleSet`, or every problem with its line and column.

```yaml
metrics:      [custom metrics: name, source, aggregate, column, filter, window, time_column, description]
schemes:      {value_score: …, lifecycle: …, churn_risk: …}
dimensions:   [name, mode (exclusive | tags), labels, rules: [name, when, then, priority, enabled]]
```
Names are checked in order: custom metrics against the built-ins (and the metrics before them), the
schemes against those, and every rule against all of them, the schemes' scores and points included.

>>> ruleset_read("dimensions:\\n  - {name: g, mode: tags, rules: [{name: a, when: 'amont_12m > 5',"
...              " then: {tag: a}}]}")
Traceback (most recent call last):
...
stratacrm.segmentation.ruleset.reading.RuleFileError: <rules>:2:52: rule 'a' in dimension g: unknown name \
'amont_12m'; did you mean amount_12m?
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

from yaml.nodes import MappingNode, Node

from ..catalog import Catalog
from ..conditions import ConditionError
from ..library import BUILTIN_CATALOG
from ..sources import EVENT_SOURCES, SOURCES
from ..text import parse, to_text
from ..windows import window_parse
from .building import churn_metrics, value_score_metrics
from .custom import custom_metric
from .nodes import Context, Problem, compose, position, text_position
from .reading_rules import describe, read_dimensions, read_rules
from .reading_schemes import read_churn_risk, read_lifecycle, read_value_score
from .schemes import LIFECYCLE, POINTS, SCORE, SIGNAL_PREFIX, VALUE_TIER, ChurnRisk, Lifecycle, ValueScore
from .specs import Action, DimensionSpec, MetricSpec, RuleSet

TOP_KEYS = ("metrics", "schemes", "dimensions")
MAX_TEXT = 1_000_000
SCHEME_KEYS = ("value_score", "lifecycle", "churn_risk")
METRIC_KEYS = (
    "name",
    "source",
    "aggregate",
    "column",
    "filter",
    "window",
    "time_column",
    "formula",
    "description",
)
_FORMULA = re.compile(r"\s*(\w+)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)\s*")
# Where a define_metric refusal belongs, by what its message says.
_METRIC_ERRORS = (
    ("unknown source", "source"),
    ("unknown aggregate", "aggregate"),
    ("give the column", "column"),
    ("unknown formula", "formula"),
    ("a metric named", "name"),
    ("needs a column", "aggregate"),
    ("needs a numeric", "column"),
    ("has no column", "column"),
    ("has no date", "time_column"),
)


class RuleFileError(ValueError):
    """A rule file that cannot be accepted: every problem, each with its line and column."""

    def __init__(self, problems: list[Problem], *, source: str) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.source}:{problem}" for problem in self.problems)


def ruleset_read_file(path: Path) -> RuleSet:
    """Read and check a rule file; raises RuleFileError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleFileError([Problem(f"cannot read the file: {error}")], source=str(path)) from None
    return ruleset_read(text, source=str(path))


def ruleset_read(text: str, *, source: str = "<rules>") -> RuleSet:
    """Read and check rule-file text; raises RuleFileError with every problem found."""
    context = Context()
    if len(text) > MAX_TEXT:
        context.fail(None, f"a rule file is at most {MAX_TEXT:,} characters")
        raise RuleFileError(context.problems, source=source)
    root = compose(text, context=context)
    if root is None and not context.problems:
        # Loading a file retires whatever it leaves out: an empty one is far likelier a mistake.
        context.fail(None, "the rule file is empty (write `dimensions: []` to retire every rule)", at=(1, 1))
    ruleset = _read(context, root) if root is not None and not context.problems else RuleSet()
    if context.problems:
        raise RuleFileError(context.problems, source=source)
    return ruleset


def _read(context: Context, root: Node) -> RuleSet:
    top = context.mapping(root, required=(), allowed=TOP_KEYS, what="a rule file")
    metrics, catalog = _read_metrics(context, top.get("metrics"))
    schemes = (
        context.mapping(top["schemes"], required=(), allowed=SCHEME_KEYS, what="schemes")
        if "schemes" in top
        else {}
    )
    value_score: ValueScore | None = None
    churn: ChurnRisk | None = None
    lifecycle: Lifecycle | None = None
    if "value_score" in schemes:
        with context.about("scheme value_score"):
            value_score = read_value_score(context, schemes["value_score"], catalog=catalog)
        if value_score is not None:
            catalog = catalog.extend(*value_score_metrics(value_score, catalog=catalog))
    if "churn_risk" in schemes:
        with context.about("scheme churn_risk"):
            churn = read_churn_risk(context, schemes["churn_risk"], fields=catalog.fields)
        if churn is not None:
            catalog = catalog.extend(*churn_metrics(churn, catalog=catalog))
    if "lifecycle" in schemes:
        with context.about("scheme lifecycle"):
            lifecycle = read_lifecycle(context, schemes["lifecycle"])
    owned = _scheme_rules(context, schemes, value_score=value_score, lifecycle=lifecycle, catalog=catalog)
    dimensions = (
        read_dimensions(context, top["dimensions"], fields=catalog.fields, taken=list(catalog.fields))
        if "dimensions" in top
        else ()
    )
    return RuleSet(tuple(metrics), (*dimensions, *owned), value_score, lifecycle, churn)


def _scheme_rules(
    context: Context,
    schemes: dict[str, Node],
    *,
    value_score: ValueScore | None,
    lifecycle: Lifecycle | None,
    catalog: Catalog,
) -> list[DimensionSpec]:
    """The value tier's override rules and the lifecycle's stage rules, as the dimensions they fill."""
    owned = []
    pairs: tuple[tuple[str, ValueScore | Lifecycle | None, str, Action], ...] = (
        ("value_score", value_score, VALUE_TIER, "tier"),
        ("lifecycle", lifecycle, LIFECYCLE, "stage"),
    )
    for kind, scheme, dimension, action in pairs:
        node = _rules_node(context, schemes.get(kind))
        if scheme is None or node is None:
            continue
        values = scheme.tiers.labels if isinstance(scheme, ValueScore) else scheme.stages
        rules = read_rules(
            context,
            node,
            dimension=dimension,
            mode="exclusive",
            action=action,
            values=values,
            fields=catalog.fields,
        )
        owned.append(
            DimensionSpec(
                dimension, "exclusive", rules, scheme.label_en, scheme.label_zh, kind, position(node)
            )
        )
    return owned


def _rules_node(context: Context, node: Node | None) -> Node | None:
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        return None
    found: Node | None = next((v for k, v in node.value if getattr(k, "value", None) == "rules"), None)
    return found


def _read_metrics(context: Context, node: Node | None) -> tuple[list[MetricSpec], Catalog]:
    catalog = BUILTIN_CATALOG
    specs: list[MetricSpec] = []
    for entry in context.sequence(node, what="metrics") if node is not None else []:
        with context.about("metric"):
            fields = context.mapping(entry, required=("name",), allowed=METRIC_KEYS, what="a metric")
            name = context.text(fields.get("name"), what="a metric's name")
        if name is None:
            continue
        with context.about(f"metric {name!r}"):
            spec = _metric_spec(context, fields, name, at=position(entry))
            if spec is None:
                continue
            try:
                catalog = catalog.extend(custom_metric(spec, catalog=catalog))
            except ConditionError as error:
                key = next((k for part, k in _METRIC_ERRORS if part in error.message), "name")
                context.fail(fields.get(key, entry), describe(error))
                continue
            specs.append(spec)
    return specs, catalog


def _metric_spec(
    context: Context, fields: dict[str, Node], name: str, *, at: tuple[int, int]
) -> MetricSpec | None:
    if name in (SCORE, POINTS) or name.startswith((f"{SCORE}_", SIGNAL_PREFIX)):
        context.fail(fields["name"], f"{name!r} is reserved for the grade schemes' metrics")
        return None
    texts = {
        key: context.text(fields.get(key), what=key)
        for key in ("source", "aggregate", "column", "filter", "window", "time_column", "formula")
    }
    en, zh = context.labels(fields.get("description"))
    formula, inputs = texts.pop("formula"), cast(tuple[str, ...], ())
    if formula is not None:
        spelled = _FORMULA.fullmatch(formula)
        if spelled is None or any(
            texts[key] for key in ("source", "aggregate", "column", "filter", "window")
        ):
            context.fail(
                fields["formula"],
                "write a formula alone, e.g. difference(complaints_90d, complaints_prev_90d)",
            )
            return None
        formula, inputs = spelled.group(1), (spelled.group(2), spelled.group(3))
    else:
        for key in ("source", "aggregate"):
            if key not in fields:
                context.fail(fields["name"], f"{key!r} is missing (or give a formula)")
                return None
    if texts["window"] is not None:
        try:
            window_parse(texts["window"])
        except ConditionError as error:
            context.fail(fields["window"], describe(error))
            return None
    if texts["filter"] is not None and texts["source"] in EVENT_SOURCES:
        try:
            source = SOURCES[str(texts["source"])]
            texts["filter"] = to_text(parse(texts["filter"], fields=source.fields))
        except ConditionError as error:
            context.fail(
                fields["filter"], describe(error), at=text_position(fields["filter"], error.position)
            )
            return None
    return MetricSpec(
        name, formula=formula, inputs=inputs, description_en=en, description_zh=zh, at=at, **texts
    )
