"""Loading a rule set: a changed rule gets a new version and keeps the old one, an unchanged one keeps its
version, a missing one is retired; every write is audited; it all happens in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.segmentation.definitions import definition_current, definition_from_file
from stratacrm.segmentation.models import Dimension, Metric, Rule, Scheme
from stratacrm.segmentation.ruleset import RuleSet, ruleset_read, ruleset_read_file
from stratacrm.segmentation.runs.definition import NoDefinition
from stratacrm.segmentation.services import rule_set_load
from stratacrm.segmentation.sources import SNAPSHOT_TABLES
from tests import factories

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parents[2] / "examples" / "rules"
UTILITY = (EXAMPLES / "utility.yaml").read_text(encoding="utf-8")


def versions() -> dict[tuple[str, str], list[tuple[int, bool]]]:
    """Every stored rule version: (dimension, name) -> [(version, is current)]."""
    found: dict[tuple[str, str], list[tuple[int, bool]]] = {}
    for rule in Rule.objects.select_related("dimension").order_by("version"):
        found.setdefault((rule.dimension.name, rule.name), []).append((rule.version, rule.is_current))
    return found


def load(text: str) -> list[str]:
    return [str(change) for change in rule_set_load(document=ruleset_read(text), user=None).changes]


def test_first_load_stores_version_1_of_everything_and_compiles_like_the_file() -> None:
    load(UTILITY)
    assert all(stored == [(1, True)] for stored in versions().values())
    assert len(versions()) == 22
    assert set(Metric.objects.values_list("name", "version")) >= {("payments_count_12m", 1)}
    assert sorted(Scheme.objects.values_list("kind", flat=True)) == ["churn_risk", "lifecycle", "value_score"]
    stored, from_file = definition_current(), definition_from_file(EXAMPLES / "utility.yaml")
    as_of = dt.date(2025, 6, 30)
    assert stored.plan().render(
        dialect="duckdb", tables=SNAPSHOT_TABLES, as_of=as_of
    ) == from_file.plan().render(dialect="duckdb", tables=SNAPSHOT_TABLES, as_of=as_of)
    assert stored.rules[("customer_class", 1)].version == 1
    assert stored.versions["schemes"] == {"value_score": 1, "lifecycle": 1, "churn_risk": 1}


def test_editing_one_rule_gives_only_that_rule_a_version_2_and_keeps_version_1() -> None:
    load(UTILITY)
    edited = UTILITY.replace('"complaints_12m >= 2"', '"complaints_12m >= 3"')
    assert load(edited) == ["changed  rule      service_flags/repeat complainer v2"]
    stored = versions()
    assert stored[("service_flags", "repeat complainer")] == [(1, False), (2, True)]
    assert all(v == [(1, True)] for key, v in stored.items() if key != ("service_flags", "repeat complainer"))
    old = Rule.objects.get(name="repeat complainer", version=1)
    assert old.condition_text == "complaints_12m >= 2"
    ref = next(r for r in definition_current().rules.values() if r.name == "repeat complainer")
    assert (ref.version, ref.condition_text) == (2, "complaints_12m >= 3")


def test_reloading_the_same_file_changes_nothing() -> None:
    load(UTILITY)
    rows = Rule.objects.count(), Metric.objects.count(), Scheme.objects.count(), Dimension.objects.count()
    report = rule_set_load(document=ruleset_read(UTILITY), user=None)
    assert report.changes == ()
    assert report.unchanged == 22 + 8 + 3
    assert (
        Rule.objects.count(),
        Metric.objects.count(),
        Scheme.objects.count(),
        Dimension.objects.count(),
    ) == rows


def test_a_condition_written_differently_but_meaning_the_same_keeps_its_version() -> None:
    load(UTILITY)
    assert load(UTILITY.replace('"complaints_12m >= 2"', '"2 <= complaints_12m"')) == []


def test_priority_and_enabled_are_part_of_a_rule_version() -> None:
    load(UTILITY)
    disabled = UTILITY.replace("then: {tag: credit_c}}", "then: {tag: credit_c}, enabled: false}").replace(
        "priority: 20}", "priority: 25}"
    )
    assert sorted(load(disabled)) == [
        "changed  rule      customer_class/low-use households v2",
        "changed  rule      service_flags/credit grade C v2",
    ]
    assert not Rule.objects.get(name="credit grade C", is_current=True).enabled


def test_rules_metrics_schemes_and_dimensions_missing_from_the_file_are_retired_and_kept() -> None:
    load(UTILITY)
    seed = (EXAMPLES / "seed-001.yaml").read_text(encoding="utf-8")
    changes = load(seed)
    assert "retired  rule      customer_class/industry v1" in changes
    assert "retired  scheme    value_score v1" in changes
    assert "retired  metric    payments_count_12m v1" in changes
    assert "retired  dimension lifecycle" in changes
    assert not Rule.objects.filter(dimension__name="customer_class", is_current=True).exists()
    assert Rule.objects.filter(dimension__name="customer_class").count() == 10
    assert not Dimension.objects.get(name="lifecycle").is_active
    assert definition_current().versions["rules"] == {
        "customer_groups/high value": 1,
        "customer_groups/active": 1,
        "customer_groups/prospect": 1,
    }
    assert load(UTILITY).count("added    rule      customer_class/industry v2") == 1


def test_every_write_is_audited() -> None:
    load(UTILITY)
    load(UTILITY.replace('"complaints_12m >= 2"', '"complaints_12m >= 3"'))
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions.count("rule.version") == 23
    assert actions.count("metric.version") == 8 and actions.count("scheme.version") == 3
    assert actions.count("dimension.create") == 5 and actions.count("ruleset.load") == 2
    edit = AuditEntry.objects.filter(action="rule.version").order_by("-seq").first()
    assert edit is not None and edit.before is not None and edit.after is not None
    assert (edit.before["version"], edit.after["version"]) == (1, 2)


def test_a_user_without_the_publish_permission_writes_nothing() -> None:
    analyst = factories.user(role=Role.ANALYST)
    with pytest.raises(PermissionDenied):
        rule_set_load(document=ruleset_read(UTILITY), user=analyst)
    assert not Rule.objects.exists()


def test_a_marketing_manager_publishes_and_is_named_as_the_author() -> None:
    manager = factories.user(role=Role.MARKETING_MANAGER)
    rule_set_load(document=ruleset_read(UTILITY), user=manager)
    assert set(Rule.objects.values_list("created_by", flat=True)) == {manager.pk}
    assert AuditEntry.objects.filter(action="ruleset.load", actor_id=manager.pk).exists()


def test_a_load_that_fails_part_way_leaves_the_previous_versions_intact() -> None:
    load(UTILITY)
    ruleset = ruleset_read_file(EXAMPLES / "seed-001.yaml")
    [dimension] = ruleset.dimensions
    too_long = dataclasses.replace(dimension.rules[0], value="x" * 101)
    broken = RuleSet(
        ruleset.metrics, (dataclasses.replace(dimension, rules=(too_long, *dimension.rules[1:])),)
    )
    with pytest.raises(ValidationError):
        rule_set_load(document=broken, user=None)
    assert all(stored == [(1, True)] for stored in versions().values())
    assert Metric.objects.filter(is_current=True).count() == 8
    assert not Dimension.objects.filter(name="customer_groups").exists()


def test_without_any_definition_there_is_nothing_to_grade_with() -> None:
    with pytest.raises(NoDefinition):
        definition_current()
