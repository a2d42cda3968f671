"""Writes of the segmentation domain: publishing a rule set as the current versions, in one transaction.

`rule_set_load` compares each part of a checked rule set with the current stored version by content
hash. A rule, custom metric or scheme whose content changed gets a new version (the old one stays, no
longer current); an unchanged one keeps its version; one absent from the rule set is retired (kept as
history, no longer current). Dimensions are updated in place and deactivated when absent. Every write is
audited. `actor=None` is the system itself (the CLI): no permission check applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models, transaction
from django.db.models import Max

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require
from stratacrm.accounts.services.audit import audit_record

from .definitions import definition_build
from .models import Dimension, DimensionMode, Metric, Rule, Scheme
from .ruleset import DimensionSpec, RuleSet, content_hash
from .ruleset.schemes import SCHEME_DIMENSIONS
from .text import to_text

Kind = Literal["metric", "dimension", "rule", "scheme"]
Change = Literal["added", "changed", "retired"]


@dataclass(frozen=True)
class Changed:
    """One part written: what it is, its name, what happened, and the version now current (or retired)."""

    kind: Kind
    name: str
    change: Change
    version: int | None = None

    def __str__(self) -> str:
        version = f" v{self.version}" if self.version is not None else ""
        return f"{self.change:<8} {self.kind:<9} {self.name}{version}"


@dataclass(frozen=True)
class LoadReport:
    """What a load wrote, and how many parts were already current."""

    changes: tuple[Changed, ...]
    unchanged: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@transaction.atomic
def rule_set_load(*, document: RuleSet, user: User | None) -> LoadReport:
    """Publish a checked rule set: new versions of what changed, retire what is gone, all or nothing."""
    if user is not None:
        user_require(user, "rule.publish")
    definition_build(document)  # compiles every part together before anything is written
    changes: list[Changed] = []
    unchanged = 0
    dimensions = _dimensions_sync(document, user=user, changes=changes)
    metrics: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        m.name: (m.definition(), {}) for m in document.metrics
    }
    unchanged += _versioned_sync(Metric, "metric", metrics, user=user, changes=changes)
    rules = {
        (r.dimension, r.name): (
            r.definition(),
            {
                "dimension": dimensions[r.dimension],
                "condition_text": to_text(r.condition),
                "value": r.value,
                "priority": r.priority,
                "enabled": r.enabled,
            },
        )
        for r in document.rules()
    }
    unchanged += _rules_sync(rules, user=user, changes=changes)
    schemes = {kind: (scheme.definition(), {"kind": kind}) for kind, scheme in document.schemes().items()}
    unchanged += _versioned_sync(Scheme, "scheme", schemes, user=user, changes=changes)
    counts = {
        kind: sum(1 for c in changes if c.kind == kind) for kind in ("metric", "dimension", "rule", "scheme")
    }
    audit_record(
        actor=user,
        action="ruleset.load",
        object_type="segmentation.ruleset",
        after={"changes": [str(c) for c in changes], "unchanged": unchanged},
    )
    return LoadReport(tuple(changes), unchanged, counts)


def _dimensions_sync(document: RuleSet, *, user: User | None, changes: list[Changed]) -> dict[str, Dimension]:
    """Every dimension of the rule set (the schemes' too), created or updated; the others deactivated."""
    wanted: list[DimensionSpec] = [d for d in document.dimensions]
    present = {d.name for d in wanted}
    for kind, scheme in document.schemes().items():
        if SCHEME_DIMENSIONS[kind] not in present:
            wanted.append(
                DimensionSpec(
                    SCHEME_DIMENSIONS[kind], "exclusive", (), scheme.label_en, scheme.label_zh, kind
                )
            )
    rows = {d.name: d for d in Dimension.objects.select_for_update()}
    result = {}
    for position, spec in enumerate(wanted):
        values = {
            "mode": DimensionMode(spec.mode),
            "label_en": spec.label_en,
            "label_zh": spec.label_zh,
            "position": position,
            "is_active": True,
        }
        row = rows.get(spec.name)
        if row is None:
            row = Dimension(name=spec.name, **values)
            row.full_clean()
            row.save()
            audit_record(actor=user, action="dimension.create", obj=row, after=_plain(values))
            changes.append(Changed("dimension", spec.name, "added"))
        else:
            before = {k: getattr(row, k) for k in values}
            if before != values:
                for key, value in values.items():
                    setattr(row, key, value)
                row.full_clean()
                row.save()
                audit_record(
                    actor=user,
                    action="dimension.update",
                    obj=row,
                    before=_plain(before),
                    after=_plain(values),
                )
                if before["is_active"] is False or _visible(before) != _visible(values):
                    changes.append(Changed("dimension", spec.name, "changed"))
        result[spec.name] = row
    for name, row in rows.items():
        if name not in result and row.is_active:
            row.is_active = False
            row.save(update_fields=["is_active"])
            audit_record(
                actor=user,
                action="dimension.retire",
                obj=row,
                before={"is_active": True},
                after={"is_active": False},
            )
            changes.append(Changed("dimension", name, "retired"))
    return result


def _visible(values: dict[str, Any]) -> tuple[Any, ...]:
    """What a reader of the report cares about (the position alone moving is not a change)."""
    return values["mode"], values["label_en"], values["label_zh"]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, models.Choices) else v for k, v in values.items()}


def _versioned_sync(
    model: type[Metric] | type[Scheme],
    kind: Kind,
    wanted: dict[str, tuple[dict[str, Any], dict[str, Any]]],
    *,
    user: User | None,
    changes: list[Changed],
) -> int:
    current = {row.name: row for row in model.objects.select_for_update().filter(is_current=True)}
    unchanged = 0
    for name, (definition, extra) in wanted.items():
        row = current.get(name)
        if row is not None and row.content_hash == content_hash(definition):
            unchanged += 1
            continue
        latest = model.objects.filter(name=name).aggregate(latest=Max("version"))["latest"] or 0
        _version_write(model, kind, row, {"name": name, **extra}, definition, latest + 1, user=user)
        changes.append(Changed(kind, name, "changed" if row is not None else "added", latest + 1))
    _retire((row for name, row in current.items() if name not in wanted), kind, user=user, changes=changes)
    return unchanged


def _rules_sync(
    wanted: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]],
    *,
    user: User | None,
    changes: list[Changed],
) -> int:
    current = {
        (rule.dimension.name, rule.name): rule
        for rule in Rule.objects.select_for_update().select_related("dimension").filter(is_current=True)
    }
    unchanged = 0
    for (dimension, name), (definition, extra) in wanted.items():
        row = current.get((dimension, name))
        if row is not None and row.content_hash == content_hash(definition):
            unchanged += 1
            continue
        versions = Rule.objects.filter(dimension=extra["dimension"], name=name)
        latest = versions.aggregate(latest=Max("version"))["latest"] or 0
        _version_write(Rule, "rule", row, {"name": name, **extra}, definition, latest + 1, user=user)
        changes.append(
            Changed("rule", f"{dimension}/{name}", "changed" if row is not None else "added", latest + 1)
        )
    gone = (row for key, row in current.items() if key not in wanted)
    _retire(gone, "rule", user=user, changes=changes)
    return unchanged


def _version_write(
    model: type[Metric] | type[Scheme] | type[Rule],
    kind: Kind,
    previous: Metric | Scheme | Rule | None,
    fields: dict[str, Any],
    definition: dict[str, Any],
    version: int,
    *,
    user: User | None,
) -> None:
    """Make `version` the current one: the previous stops being current first (one current per name)."""
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    row = model(
        **fields,
        version=version,
        is_current=True,
        definition=definition,
        content_hash=content_hash(definition),
        created_by=user,
    )
    row.full_clean()
    row.save()
    before = None if previous is None else {"version": previous.version, "definition": previous.definition}
    audit_record(
        actor=user,
        action=f"{kind}.version",
        obj=row,
        before=before,
        after={"version": version, "definition": definition},
    )


def _retire(
    rows: Iterable[Metric | Scheme | Rule], kind: Kind, *, user: User | None, changes: list[Changed]
) -> None:
    for row in rows:
        row.is_current = False
        row.save(update_fields=["is_current"])
        audit_record(
            actor=user,
            action=f"{kind}.retire",
            obj=row,
            before={"is_current": True},
            after={"is_current": False},
        )
        name = f"{row.dimension.name}/{row.name}" if isinstance(row, Rule) else row.name
        changes.append(Changed(kind, name, "retired", row.version))
