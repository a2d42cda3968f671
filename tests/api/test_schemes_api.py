"""Grade schemes written through the API: who may, checks naming the field and row at fault, a preview that
writes nothing, and a draft published as the scheme's next version with the grading run that follows."""

from __future__ import annotations

from typing import Any

import pytest

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.customers.selectors import customer_scope
from stratacrm.segmentation.models import Assignment, AssignmentChange, GradingRun, Rule, Scheme
from stratacrm.web.background import background_wait
from stratacrm.web.models import SchemePreview

from .conftest import ApiClient, role_user

WRITERS = {Role.ADMINISTRATOR, Role.MARKETING_MANAGER}


def client(role: str, scopes: tuple[str, ...] = ("read", "write")) -> ApiClient:
    return ApiClient(role_user(role), scopes=scopes, language="en")


def tiers(*shares: float) -> list[dict[str, Any]]:
    """The value score's tiers in force, with the shares given in place of the first ones."""
    current = Scheme.objects.get(kind="value_score", is_current=True).definition["tiers"]["quantiles"]
    values = [*shares, *(value for _label, value in current[len(shares) :])]
    return [{"label": label, "value": value} for (label, _old), value in zip(current, values, strict=True)]


def parts(row: int, **changes: Any) -> list[dict[str, Any]]:
    """The value score's parts in force, with `changes` made to the one at `row` (from 0)."""
    current = Scheme.objects.get(kind="value_score", is_current=True).definition["parts"]
    sent = [{key: part[key] for key in ("metric", "weight", "lower_is_better")} for part in current]
    sent[row].update(changes)
    return sent


def errors(writer: ApiClient, kind: str, sent: dict[str, Any]) -> dict[str, str]:
    answer = writer.post_json(f"/api/schemes/{kind}/validate", sent)
    assert answer.status_code == 200, answer.content
    assert answer.json()["valid"] is False
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


def _state() -> tuple[object, ...]:
    return (
        set(Assignment.objects.values_list("customer_id", "dimension", "value")),
        AssignmentChange.objects.count(),
        GradingRun.objects.count(),
        Rule.objects.count(),
        Scheme.objects.count(),
        SchemePreview.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_only_administrators_and_marketing_managers_write_schemes(utility):
    for role in Role.values:
        writer = client(role)
        for path in (
            "/api/schemes/lifecycle/validate",
            "/api/schemes/lifecycle/preview",
            "/api/schemes/lifecycle",
        ):
            status = writer.post_json(path, {"default": "no_such_stage"}).status_code
            assert (status == 403) == (role not in WRITERS), (role, path, status)
        assert (writer.get("/api/scheme-drafts/999").status_code == 403) == (role not in WRITERS)
        assert (writer.post_json("/api/scheme-drafts/999/publish", {}).status_code == 403) == (
            role not in WRITERS
        )
    reader = client(Role.ADMINISTRATOR, scopes=("read",))
    assert reader.post_json("/api/schemes/lifecycle/validate", {}).status_code == 403
    assert reader.post_json("/api/scheme-drafts/1/publish", {}).status_code == 403
    assert not SchemePreview.objects.exists()


@pytest.mark.django_db
def test_validate_names_the_field_and_row_at_fault_and_writes_nothing(utility):
    writer = client(Role.MARKETING_MANAGER)
    before = _state()
    assert "add up to 105, not 100" in errors(writer, "value_score", {"tiers": tiers(5, 20)})["tiers"]
    unknown = errors(writer, "value_score", {"parts": parts(1, metric="payments_count_12")})
    assert "did you mean payments_count_12m?" in unknown["parts.1.metric"]
    negative = errors(writer, "value_score", {"parts": parts(0, weight=-1)})
    assert "positive number" in negative["parts.0.weight"]
    assert "exactly these parts" in errors(writer, "value_score", {"parts": parts(0)[:2]})["parts"]
    levels = [{"label": "high", "value": 60}, {"label": "medium", "value": 70}, {"label": "low", "value": 0}]
    assert (
        "below the one of the row above" in errors(writer, "churn_risk", {"levels": levels})["levels.1.value"]
    )
    signal = {"name": "drop", "condition": "kwh_drop_complete >= 'a lot'", "points": 10}
    assert "a lot" in errors(writer, "churn_risk", {"signals": [signal]})["signals.0.condition"]
    assert "listed twice" in errors(writer, "lifecycle", {"stages": ["prospect", "new", "new"]})["stages"]
    assert "not one of the stages" in errors(writer, "lifecycle", {"default": "dormant"})["default"]
    renamed = errors(
        writer, "value_score", {"tiers": [{**t, "label": "SS"} if t["label"] == "S" else t for t in tiers()]}
    )
    assert "which this change removes" in renamed[""]
    assert (
        "no such field"
        in errors(writer, "value_score", {"signals": [signal], "stages": ["a", "b"]})["signals"]
    )
    fine = writer.post_json("/api/schemes/value_score/validate", {"tiers": tiers(10, 10)}).json()
    assert fine["valid"] and fine["errors"] == []
    assert fine["definition"]["tiers"]["quantiles"][:2] == [["S", 10.0], ["A", 10.0]]
    assert _state() == before
    assert writer.post_json("/api/schemes/no_such/validate", {}).status_code == 404


@pytest.mark.django_db
def test_problems_follow_the_callers_language(utility):
    chinese = ApiClient(role_user(Role.ADMINISTRATOR))
    answer = chinese.post_json("/api/schemes/lifecycle/validate", {"bins": 3}).json()
    assert answer["errors"] == [{"field": "bins", "message": "lifecycle 方案没有这个字段。"}]
    twice = chinese.post_json("/api/schemes/lifecycle", {"stages": ["prospect", "new", "new"]}).json()
    assert twice["errors"][0]["field"] == "stages" and "“new”" in twice["errors"][0]["message"]
    assert "Line" not in twice["errors"][0]["message"]


@pytest.mark.django_db
def test_preview_answers_the_migration_matrix_within_scope_and_writes_nothing(utility):
    manager = client(Role.MARKETING_MANAGER)
    before = _state()
    response = manager.post_json("/api/schemes/value_score/preview", {"tiers": tiers(10, 10)})
    assert response.status_code == 200, response.content
    preview = response.json()
    assert preview["customers"] > 100
    moves = {(m["dimension"], m["from_value"], m["to_value"]): m for m in preview["moves"]}
    promoted = moves[("value_tier", "A", "S")]
    assert promoted["customers"] >= 1 and 1 <= len(promoted["examples"]) <= 5
    examples = {n for m in preview["moves"] for n in m["examples"]}
    visible = customer_scope(user=manager.user).filter(account_number__in=examples).count()
    assert visible == len(examples)
    assert _state() == before


@pytest.mark.django_db
def test_create_refuses_a_bad_scheme_naming_the_field_and_writes_nothing(utility):
    writer = client(Role.ADMINISTRATOR)
    before = _state()
    response = writer.post_json("/api/schemes/churn_risk", {"levels": [{"label": "high", "value": 5}]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and "nothing was written" in body["message"]
    assert {e["field"] for e in body["errors"]} == {"levels"}
    shape = writer.post_json("/api/schemes/churn_risk", {"levels": [{"label": "high"}]}).json()
    assert shape["errors"][0]["field"] == "levels.0.value"
    assert writer.post_json("/api/schemes/lifecycle/preview", {"default": "x"}).status_code == 422
    assert _state() == before


@pytest.mark.django_db(transaction=True)
def test_a_draft_is_previewed_published_as_a_new_version_and_graded(utility_committed):
    author = role_user(Role.MARKETING_MANAGER)
    manager = ApiClient(author, language="en")
    created = manager.post_json("/api/schemes/value_score", {"tiers": tiers(10, 10)})
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["status"] == "running" and draft["kind"] == "value_score"
    assert background_wait(120)
    ready = manager.get(f"/api/scheme-drafts/{draft['id']}").json()
    assert ready["status"] == "ready", ready["error"]
    assert any(m["to_value"] == "S" and m["from_value"] == "A" for m in ready["preview"]["moves"])

    published = manager.post_json(f"/api/scheme-drafts/{draft['id']}/publish", {})
    assert published.status_code == 200, published.content
    answer = published.json()
    assert "changed  scheme    value_score v2" in answer["changes"]
    assert answer["run"]["started_by"]["username"] == author.username
    assert background_wait(120)
    run = manager.get(f"/api/runs/{answer['run']['id']}").json()
    assert run["status"] == "succeeded" and run["progress"]["phase"] == "done"
    assert run["definitions"]["schemes"]["value_score"] == 2
    versions = client(Role.AUDITOR).get("/api/schemes/value_score").json()["versions"]
    assert [(v["version"], v["is_current"]) for v in versions] == [(2, True), (1, False)]
    assert versions[0]["definition"]["tiers"]["quantiles"][:2] == [["S", 10.0], ["A", 10.0]]
    assert versions[0]["created_by"]["username"] == author.username
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"scheme.draft", "ruleset.load", "scheme.version"} <= actions

    again = manager.post_json(f"/api/scheme-drafts/{draft['id']}/publish", {})
    assert again.status_code == 409 and "already published" in again.json()["message"]
    other = client(Role.MARKETING_MANAGER)
    assert other.get(f"/api/scheme-drafts/{draft['id']}").status_code == 404
    assert other.post_json(f"/api/scheme-drafts/{draft['id']}/publish", {}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_draft_made_before_another_publish_is_refused_as_stale(utility_committed):
    admin = client(Role.ADMINISTRATOR)
    first = admin.post_json("/api/schemes/value_score", {"tiers": tiers(10, 10)}).json()
    second = admin.post_json("/api/schemes/value_score", {"tiers": tiers(15, 5)}).json()
    early = admin.post_json(f"/api/scheme-drafts/{first['id']}/publish", {})
    assert background_wait(120)
    assert early.status_code in (200, 409)  # 409 only while its preview was still running
    if early.status_code == 409:
        assert "finished preview" in early.json()["message"]
        assert admin.post_json(f"/api/scheme-drafts/{first['id']}/publish", {}).status_code == 200
        assert background_wait(120)
    stale = admin.post_json(f"/api/scheme-drafts/{second['id']}/publish", {})
    assert stale.status_code == 409 and "changed since this preview" in stale.json()["message"]
    current = Scheme.objects.get(kind="value_score", is_current=True)
    assert current.version == 2 and current.definition["tiers"]["quantiles"][0] == ["S", 10.0]
