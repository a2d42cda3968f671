"""The rule builder's checks, a preview that writes nothing, and publishing what was previewed."""

from __future__ import annotations

import json

import pytest

from stratacrm.accounts.models import Role
from stratacrm.segmentation.models import Assignment, GradingRun, Rule, RunStatus
from stratacrm.web.background import background_wait
from stratacrm.web.models import PreviewStatus, RulePreview

EDIT = "/en/rules/service_flags/edit/repeat complainer"


def check(client, **fields):
    data = {"dimension": "service_flags", "mode": "text", **fields}
    return client.post("/en/rules/check/", data).content.decode()


@pytest.mark.django_db
def test_check_names_an_unknown_metric_and_suggests_the_nearest(signed_in, utility):
    client = signed_in(Role.MARKETING_MANAGER)
    page = check(client, condition_text="complaints_12 >= 3")
    assert "unknown name “complaints_12”" in page and "complaints_12m" in page
    assert 'data-replace-text="complaints_12"' in page
    assert "The condition is valid" in check(client, condition_text="3 <= complaints_12m")
    assert "complaints_12m &gt;= 3" in check(client, condition_text="3 <= complaints_12m")


@pytest.mark.django_db
def test_check_reads_the_builders_tree(signed_in, utility):
    client = signed_in(Role.MARKETING_MANAGER)
    tree = {"op": "OR", "children": [{"key": "complaints_12m", "operator": ">=", "value": 2}]}
    page = check(client, mode="builder", condition_json=json.dumps(tree))
    assert "complaints_12m &gt;= 2" in page
    bad = {"op": "AND", "children": [{"key": "customer_type", "operator": ">", "value": 1}]}
    assert "does not apply" in check(client, mode="builder", condition_json=json.dumps(bad))


@pytest.mark.django_db
def test_builder_page_offers_the_metric_catalog_in_the_users_language(signed_in, utility):
    client = signed_in(Role.MARKETING_MANAGER)
    english = client.get(EDIT).content.decode()
    assert "Complaints opened in the last 12 months" in english
    chinese = client.get(EDIT.replace("/en", ""), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert json.dumps("近12个月")[1:-1] in chinese  # inside the catalog's JSON


def preview(client, condition: str) -> RulePreview:
    data = {
        "dimension": "service_flags",
        "original": "repeat complainer",
        "value": "repeat_complainer",
        "priority": "0",
        "enabled": "on",
        "mode": "text",
        "condition_text": condition,
    }
    response = client.post("/en/rules/service_flags/preview/", data)
    assert response.status_code == 200, response.content
    assert background_wait(120)
    return RulePreview.objects.latest("pk")


@pytest.mark.django_db(transaction=True)
def test_preview_shows_who_would_move_and_writes_nothing(signed_in, utility_committed):
    before = set(Assignment.objects.values_list("customer_id", "dimension", "value"))
    client = signed_in(Role.MARKETING_MANAGER)
    found = preview(client, "complaints_12m >= 1")
    assert found.status == PreviewStatus.READY, found.error
    page = client.get(f"/en/rules/previews/{found.pk}/").content.decode()
    assert "customers evaluated" in page and "Publish this rule" in page
    moves = {(m[0], m[1], m[2]) for m in found.result["moves"]}
    assert ("service_flags", "", "repeat_complainer") in moves
    assert set(Assignment.objects.values_list("customer_id", "dimension", "value")) == before
    assert Rule.objects.get(name="repeat complainer", is_current=True).version == 1


@pytest.mark.django_db(transaction=True)
def test_publishing_a_preview_versions_the_rule_and_runs_a_grading(signed_in, utility_committed):
    client = signed_in(Role.MARKETING_MANAGER)
    found = preview(client, "complaints_12m >= 1")
    response = client.post(f"/en/rules/previews/{found.pk}/publish/")
    assert "changed  rule      service_flags/repeat complainer v2" in response.content.decode()
    assert background_wait(120)
    versions = Rule.objects.filter(name="repeat complainer").order_by("version")
    assert [(r.version, r.is_current) for r in versions] == [(1, False), (2, True)]
    assert versions[1].condition_text == "complaints_12m >= 1"
    latest = GradingRun.objects.latest("started_at")
    assert (
        latest.status == RunStatus.SUCCEEDED
        and latest.definitions["rules"]["service_flags/repeat complainer"] == 2
    )
    moved = {m[3] for m in found.result["moves"] if m[0] == "service_flags"}
    assert latest.changes.get("service_flags") == sum(moved)
    again = client.post(f"/en/rules/previews/{found.pk}/publish/").content.decode()
    assert "already published" in again


@pytest.mark.django_db(transaction=True)
def test_a_preview_is_refused_once_the_rules_moved_on(signed_in, utility_committed):
    client = signed_in(Role.MARKETING_MANAGER)
    first, second = preview(client, "complaints_12m >= 1"), preview(client, "complaints_12m >= 4")
    client.post(f"/en/rules/previews/{first.pk}/publish/")
    assert background_wait(120)
    refused = client.post(f"/en/rules/previews/{second.pk}/publish/").content.decode()
    assert "changed since this preview" in refused
    assert Rule.objects.get(name="repeat complainer", is_current=True).condition_text == "complaints_12m >= 1"


@pytest.mark.django_db
def test_only_publishers_publish(signed_in, utility):
    for role in (Role.ACCOUNT_MANAGER, Role.ANALYST, Role.AUDITOR):
        assert signed_in(role).post("/en/rules/previews/1/publish/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_new_rule_is_previewed_and_published_as_version_1(signed_in, utility_committed):
    client = signed_in(Role.ADMINISTRATOR)
    assert "New rule" in client.get("/en/rules/service_flags/new/").content.decode()
    data = {
        "dimension": "service_flags",
        "original": "",
        "name": "big consumer",
        "value": "big_consumer",
        "enabled": "on",
        "mode": "builder",
        "condition_json": json.dumps({"key": "kwh_12m", "operator": ">", "value": 20000}),
    }
    assert client.post("/en/rules/service_flags/preview/", data).status_code == 200
    assert background_wait(120)
    found = RulePreview.objects.get(rule_name="big consumer")
    assert found.status == PreviewStatus.READY, found.error
    client.post(f"/en/rules/previews/{found.pk}/publish/")
    assert background_wait(120)
    rule = Rule.objects.get(name="big consumer")
    assert (rule.version, rule.is_current, rule.value, rule.condition_text) == (
        1,
        True,
        "big_consumer",
        "kwh_12m > 20000",
    )


@pytest.mark.django_db
def test_a_rule_of_an_exclusive_dimension_needs_its_own_priority(signed_in, utility):
    data = {
        "dimension": "customer_class",
        "original": "",
        "name": "small industry",
        "value": "small_industry",
        "priority": "90",
        "enabled": "on",
        "mode": "text",
        "condition_text": "customer_type = 'industrial'",
    }
    page = signed_in(Role.MARKETING_MANAGER).post("/en/rules/customer_class/preview/", data).content.decode()
    assert "already has priority 90" in page and "industry" in page
    assert not RulePreview.objects.exists()
