"""The grade dimensions in force and the values each can take, for filters, charts and labels.

Read from the definition the live path keeps (rebuilt only when a rule, metric, scheme or dimension
changes), so a page pays one small query for it, not a compile.
"""

from __future__ import annotations

from dataclasses import dataclass

from stratacrm.segmentation.live import definition_live
from stratacrm.segmentation.models import Dimension
from stratacrm.segmentation.ruleset.schemes import CHURN_RISK, LIFECYCLE, STAGES, VALUE_TIER

from ..labels import dimension_label, value_label

SCHEME_DIMENSIONS = (VALUE_TIER, LIFECYCLE, CHURN_RISK)


@dataclass(frozen=True)
class GradeValue:
    value: str
    label: str


@dataclass(frozen=True)
class GradeDimension:
    """A dimension in force: exclusive (one value per customer) or tags (any number)."""

    name: str
    label: str
    mode: str
    values: tuple[GradeValue, ...]

    @property
    def is_scheme(self) -> bool:
        return self.name in SCHEME_DIMENSIONS

    def label_of(self, value: str) -> str:
        return next((v.label for v in self.values if v.value == value), value_label(value))


@dataclass(frozen=True)
class Grades:
    """Every dimension in force, by role: the three schemes, the first class dimension, the others."""

    dimensions: tuple[GradeDimension, ...]

    def get(self, name: str) -> GradeDimension | None:
        return next((d for d in self.dimensions if d.name == name), None)

    @property
    def segments(self) -> tuple[GradeDimension, ...]:
        """Dimensions made by rules (classes, groups, tags), not by a grade scheme."""
        return tuple(d for d in self.dimensions if not d.is_scheme)

    @property
    def class_dimension(self) -> GradeDimension | None:
        """The first exclusive rule dimension: what "customer class" means on the dashboard."""
        return next((d for d in self.segments if d.mode == "exclusive"), None)

    @property
    def shown(self) -> tuple[str, ...]:
        """The dimensions shown as columns of the customer list."""
        first = self.class_dimension
        names = (first.name,) if first is not None else ()
        return tuple(n for n in (*names, *SCHEME_DIMENSIONS) if self.get(n) is not None)


def _ordered(name: str, values: list[str]) -> list[str]:
    if name == LIFECYCLE and all(v in STAGES for v in values):
        return sorted(values, key=STAGES.index)
    return values


def grades_in_force() -> Grades:
    """The dimensions of the definition in force, labelled in the current language (none without one)."""
    definition = definition_live()
    if definition is None:
        return Grades(())
    rows = {d.name: d for d in Dimension.objects.filter(is_active=True)}
    dimensions = []
    for dimension in definition.dimensions:
        values = list(dict.fromkeys(branch.label for branch in dimension.branches))
        if dimension.default and dimension.default not in values:
            values.append(dimension.default)
        row = rows.get(dimension.name)
        label = dimension_label(
            dimension.name,
            label_en=row.label_en if row else "",
            label_zh=row.label_zh if row else "",
        )
        listed = tuple(GradeValue(v, value_label(v)) for v in _ordered(dimension.name, values))
        dimensions.append(GradeDimension(dimension.name, label, dimension.mode, listed))
    return Grades(tuple(dimensions))
