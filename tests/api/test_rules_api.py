"""Rules and schemes through the API: who reads and who writes, checks naming the field at fault, and a
preview that answers the migration matrix and writes nothing."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.segmentation.models import Assignment, AssignmentChange, GradingRun, Rule, Scheme
from stratacrm.web.models import RulePreview

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db
WRITERS = {Role.ADMINISTRATOR, Role.MARKETING_MANAGER}
RULE = {
    "dimension": "service_flags",
    "name": "repeat complainer",
    "value": "repeat_complainer",
    "condition": "complaints_12m >= 1",
}


def client(role: str, scopes: tuple[str, ...] = ("read", "write")) -> ApiClient:
    return ApiClient(role_user(role), scopes=scopes, language="en")


def test_every_role_reads_rules_with_their_versions_and_schemes(utility):
    for role in Role.values:
        reader = client(role, scopes=("read",))
        listed = reader.get("/api/rules?dimension=service_flags")
        assert listed.status_code == 200, (role, listed.content)
        rule = next(r for r in listed.json()["items"] if r["name"] == "repeat complainer")
        assert (rule["current_version"], rule["versions"], rule["condition"]) == (
            1,
            [1],
            "complaints_12m >= 2",
        )
        detail = reader.get("/api/rules/service_flags/repeat complainer").json()
        assert detail["mode"] == "tags" and detail["versions"][0]["condition_tree"]["key"] == "complaints_12m"
        kinds = {s["kind"] for s in reader.get("/api/schemes").json()["items"]}
        assert kinds == {"value_score", "lifecycle", "churn_risk"}
        scheme = reader.get("/api/schemes/churn_risk").json()["versions"][0]
        assert scheme["is_current"] and scheme["definition"]["levels"]["thresholds"][0] == ["high", 60.0]


def test_unknown_rule_and_scheme_are_not_found(utility):
    reader = client(Role.ANALYST)
    assert reader.get("/api/rules/service_flags/no such rule").status_code == 404
    assert reader.get("/api/schemes/nothing").json()["code"] == "not_found"


def test_only_administrators_and_marketing_managers_write_rules(utility):
    for role in Role.values:
        writer = client(role)
        for path in ("/api/rules/validate", "/api/rules"):
            status = writer.post_json(path, {**RULE, "condition": "complaints_12m >="}).status_code
            assert (status == 403) == (role not in WRITERS), (role, path, status)
    reader = client(Role.ADMINISTRATOR, scopes=("read",))
    assert reader.post_json("/api/rules/validate", RULE).status_code == 403


def test_validate_names_the_unknown_metric_where_it_is_and_the_nearest(utility):
    writer = client(Role.MARKETING_MANAGER)
    audit = AuditEntry.objects.count()
    answer = writer.post_json("/api/rules/validate", {**RULE, "condition": "complaints_12 >= 3"}).json()
    assert answer["valid"] is False and answer["new_rule"] is False
    (error,) = answer["errors"]
    assert error["field"] == "condition" and "complaints_12" in error["message"]
    assert (error["position"], error["suggestion"]) == (1, "complaints_12m")
    later = "kwh_12m > 1 AND complaints_12 >= 3"
    shifted = writer.post_json("/api/rules/validate", {**RULE, "condition": later})
    assert shifted.json()["errors"][0]["position"] == 17
    fine = writer.post_json("/api/rules/validate", {**RULE, "condition": "3 <= complaints_12m"}).json()
    assert fine["valid"] and fine["condition"] == "complaints_12m >= 3" and fine["errors"] == []
    assert fine["condition_tree"] == {"key": "complaints_12m", "operator": ">=", "value": 3, "negated": False}
    assert AuditEntry.objects.count() == audit and not RulePreview.objects.exists()


def test_validate_names_each_field_at_fault(utility):
    writer = client(Role.ADMINISTRATOR)

    def errors(**changes) -> dict[str, str]:
        answer = writer.post_json("/api/rules/validate", {**RULE, **changes}).json()
        return {e["field"]: e["message"] for e in answer["errors"]}

    assert "dimension" in errors(dimension="no_such_dimension")
    taken = {"dimension": "customer_class", "name": "small industry", "value": "small_industry"}
    assert "already has priority 90" in errors(**taken, priority=90)["priority"]
    stage = {"dimension": "lifecycle", "name": "x", "value": "not_a_stage", "condition": "tenure_months < 1"}
    assert "value" in errors(**stage)
    tree = {"op": "AND", "children": [{"key": "customer_type", "operator": ">", "value": 1}]}
    assert "does not apply" in errors(condition=None, condition_tree=tree)["condition_tree.children.0"]
    assert "condition" in errors(condition=None)


def test_create_refuses_a_bad_rule_naming_the_field_and_writes_nothing(utility):
    writer = client(Role.MARKETING_MANAGER)
    response = writer.post_json("/api/rules", {**RULE, "condition": "complaints_12m >= 'x' AND"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["errors"][0]["field"] == "condition"
    assert "(at character" in body["errors"][0]["message"]
    missing = writer.post_json("/api/rules", {"dimension": "service_flags", "name": "x"}).json()
    assert {e["field"] for e in missing["errors"]} == {"value"}
    assert not RulePreview.objects.exists()
    assert Rule.objects.filter(name="repeat complainer").count() == 1


def _state() -> tuple[object, ...]:
    return (
        set(Assignment.objects.values_list("customer_id", "dimension", "value")),
        AssignmentChange.objects.count(),
        GradingRun.objects.count(),
        Rule.objects.count(),
        Scheme.objects.count(),
        RulePreview.objects.count(),
        AuditEntry.objects.count(),
    )


def test_preview_answers_the_migration_matrix_and_writes_nothing(utility):
    manager = client(Role.MARKETING_MANAGER)
    before = _state()
    response = manager.post_json("/api/rules/preview", RULE)
    assert response.status_code == 200, response.content
    preview = response.json()
    assert preview["customers"] > 100
    moves = {(m["dimension"], m["from_value"], m["to_value"]): m for m in preview["moves"]}
    gained = moves[("service_flags", "", "repeat_complainer")]
    assert gained["customers"] >= 1 and 1 <= len(gained["examples"]) <= 5
    assert all(m["dimension"] == "service_flags" for m in preview["moves"])
    assert _state() == before


def test_preview_of_an_invalid_rule_is_a_422(utility):
    response = client(Role.ADMINISTRATOR).post_json("/api/rules/preview", {**RULE, "value": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "value"


def test_messages_follow_the_callers_language(utility):
    chinese = ApiClient(role_user(Role.ADMINISTRATOR))
    taken = {"dimension": "customer_class", "name": "small industry", "value": "x", "priority": 90}
    answer = chinese.post_json("/api/rules/validate", {**RULE, **taken}).json()
    assert "优先级 90" in answer["errors"][0]["message"]
    refused = chinese.post_json("/api/rules", {**RULE, "condition": "complaints_12m >= 'x' AND"}).json()
    assert "(第 " in refused["errors"][0]["message"]
