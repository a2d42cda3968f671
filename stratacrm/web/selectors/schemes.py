"""The grade schemes as the pages show them: value score and tiers, lifecycle stages, churn-risk signals
and levels, each with its version; one scheme with every stored version; what its editor needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from stratacrm.segmentation.conditions import from_json
from stratacrm.segmentation.models import Scheme
from stratacrm.segmentation.ruleset.schemes import Cuts
from stratacrm.segmentation.selectors import scheme_list
from stratacrm.segmentation.text import to_text

from ..labels import value_label
from .explained import MEASURE_LABELS


@dataclass(frozen=True)
class SchemeCard:
    kind: str
    version: int
    label: str
    lines: list[tuple[str, str, str]]  # name, condition or metric, points / weight / share
    cuts: list[tuple[str, str]]  # label, least score / share
    by: str  # "quantiles" or "thresholds" ("" for lifecycle)
    default: str = ""


def scheme_card(row: Scheme) -> SchemeCard:
    """One stored version of a scheme as a card."""
    data: dict[str, Any] = dict(row.definition)
    return _card(row.kind, row.version, _label(row.kind, data), data, _chinese())


def scheme_versions(*, kind: str) -> list[tuple[Scheme, SchemeCard]]:
    """Every stored version of the scheme `kind`, newest first (Scheme.DoesNotExist when there is none)."""
    rows = list(Scheme.objects.filter(kind=kind).select_related("created_by").order_by("-version"))
    if not rows:
        raise Scheme.DoesNotExist(f"no grade scheme {kind!r}")
    return [(row, scheme_card(row)) for row in rows]


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _label(kind: str, data: dict[str, Any]) -> str:
    labels = data.get("labels") or {}
    return (labels.get("zh") if _chinese() else labels.get("en")) or value_label(kind)


def scheme_cards() -> list[SchemeCard]:
    """Every scheme in force, in the order value score, lifecycle, churn risk."""
    order = {"value_score": 0, "lifecycle": 1, "churn_risk": 2}
    cards = []
    for kind, version, definition in sorted(scheme_list(), key=lambda s: order.get(s[0], 9)):
        data: dict[str, Any] = dict(definition)
        cards.append(_card(kind, version, _label(kind, data), data, _chinese()))
    return cards


def _card(kind: str, version: int, label: str, data: dict[str, Any], chinese: bool) -> SchemeCard:
    if kind == "lifecycle":
        stages = [(value_label(s), "", "") for s in data.get("stages", [])]
        return SchemeCard(kind, version, label, stages, [], "", value_label(data.get("default", "")))
    if kind == "value_score":
        parts = [
            (
                str(MEASURE_LABELS.get(p["name"], p["name"])),
                p["metric"] + (" ↓" if p.get("lower_is_better") else ""),
                f"× {p['weight']:g}",
            )
            for p in data.get("parts", [])
        ]
        cuts = Cuts.from_definition(data["tiers"])
        unit = "%" if cuts.by == "quantiles" else ""
        return SchemeCard(kind, version, label, parts, [(c, f"{v:g}{unit}") for c, v in _cuts(cuts)], cuts.by)
    signals = []
    for signal in data.get("signals", []):
        name = (signal["labels"].get("zh") if chinese else signal["labels"].get("en")) or signal["name"]
        signals.append((name, to_text(from_json(signal["when"])), f"+{signal['points']:g}"))
    cuts = Cuts.from_definition(data["levels"])
    return SchemeCard(
        kind, version, label, signals, [(value_label(c), f"≥ {v:g}") for c, v in _cuts(cuts)], cuts.by
    )


def _cuts(cuts: Cuts) -> list[tuple[str, float]]:
    return list(zip(cuts.labels, cuts.values, strict=True))
