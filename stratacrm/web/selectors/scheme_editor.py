"""What the editor of one grade scheme needs: the scheme in force, the names its parts and signals may
use, and the rules of the dimension it owns (tier overrides, lifecycle rules), whose values it must keep."""

from __future__ import annotations

from dataclasses import dataclass

from stratacrm.segmentation.catalog import Catalog
from stratacrm.segmentation.fields import NUMERIC_KINDS
from stratacrm.segmentation.library import BUILTIN_CATALOG
from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.ruleset import ChurnRisk, Lifecycle, RuleSet, RuleSpec, ValueScore
from stratacrm.segmentation.ruleset.building import value_score_metrics
from stratacrm.segmentation.ruleset.custom import custom_catalog
from stratacrm.segmentation.ruleset.schemes import SCHEME_DIMENSIONS
from stratacrm.segmentation.runs.definition import Definition
from stratacrm.segmentation.selectors import ruleset_current

SchemeSpec = ValueScore | Lifecycle | ChurnRisk
KINDS = ("value_score", "lifecycle", "churn_risk")


@dataclass(frozen=True)
class SchemeEditor:
    """The scheme `kind` in force and what an edit of it is checked against."""

    kind: str
    ruleset: RuleSet
    scheme: SchemeSpec
    version: int
    definition: Definition
    part_catalog: Catalog  # names a score part may use: built-in and custom metrics
    signal_catalog: Catalog  # names a signal may use: those, and the value score's own

    @property
    def dimension(self) -> str:
        return SCHEME_DIMENSIONS[self.kind]

    @property
    def rules(self) -> tuple[RuleSpec, ...]:
        """The rules of the dimension the scheme owns."""
        owned = next((d for d in self.ruleset.dimensions if d.name == self.dimension), None)
        return owned.rules if owned is not None else ()

    @property
    def numeric_metrics(self) -> list[str]:
        """The names a score part may use (suggested as it is typed)."""
        return sorted(name for name, field in self.part_catalog.fields.items() if field.kind in NUMERIC_KINDS)


def scheme_editor(*, kind: str) -> SchemeEditor:
    """The editor of the scheme `kind`; LookupError when no such scheme is in force."""
    definition = definition_live()
    if kind not in KINDS or definition is None:
        raise LookupError(f"no grade scheme {kind!r}")
    ruleset, versions = ruleset_current()
    scheme = ruleset.schemes().get(kind)
    if scheme is None:
        raise LookupError(f"no grade scheme {kind!r}")
    parts = custom_catalog(ruleset.metrics, catalog=BUILTIN_CATALOG)
    signals = parts
    if ruleset.value_score is not None:
        signals = parts.extend(*value_score_metrics(ruleset.value_score, catalog=parts))
    return SchemeEditor(kind, ruleset, scheme, versions["schemes"][kind], definition, parts, signals)
