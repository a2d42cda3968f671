"""A rule written through the API: a draft previewed in the background, published as the next version,
and the grading run that follows, from start to done; and runs started on their own."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.segmentation.models import Assignment, AssignmentChange, Rule
from stratacrm.web.background import background_wait

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db(transaction=True)
RULE = {
    "dimension": "service_flags",
    "name": "repeat complainer",
    "value": "repeat_complainer",
    "condition": "complaints_12m >= 1",
}


def _tagged() -> set[int]:
    held = Assignment.objects.filter(dimension="service_flags", value="repeat_complainer")
    return set(held.values_list("customer_id", flat=True))


def test_a_draft_is_previewed_published_as_the_next_version_and_graded(utility_committed):
    author = role_user(Role.MARKETING_MANAGER)
    manager = ApiClient(author, language="en")
    before = _tagged()
    created = manager.post_json("/api/rules", RULE)
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["status"] == "running" and draft["condition"] == "complaints_12m >= 1"
    assert background_wait(120)
    ready = manager.get(f"/api/rule-drafts/{draft['id']}").json()
    assert ready["status"] == "ready", ready["error"]
    gained = next(m for m in ready["preview"]["moves"] if m["to_value"] == "repeat_complainer")
    assert Rule.objects.get(name="repeat complainer", is_current=True).version == 1

    published = manager.post_json(f"/api/rule-drafts/{draft['id']}/publish", {})
    assert published.status_code == 200, published.content
    answer = published.json()
    assert answer["changes"] == ["changed  rule      service_flags/repeat complainer v2"]
    run_id = answer["run"]["id"]
    assert answer["run"]["started_by"]["username"] == author.username
    assert background_wait(120)

    run = manager.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "succeeded" and run["progress"]["phase"] == "done"
    assert run["definitions"]["rules"]["service_flags/repeat complainer"] == 2
    assert run["changes"]["service_flags"] == gained["customers"] and run["duration_seconds"] > 0
    assert len(_tagged() - before) == gained["customers"]
    versions = manager.get("/api/rules/service_flags/repeat complainer").json()["versions"]
    assert [(v["version"], v["is_current"]) for v in versions] == [(2, True), (1, False)]
    assert versions[0]["created_by"]["username"] == author.username
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"rule.draft", "ruleset.load", "rule.version"} <= actions

    again = manager.post_json(f"/api/rule-drafts/{draft['id']}/publish", {})
    assert again.status_code == 409 and "already published" in again.json()["message"]
    other = ApiClient(role_user(Role.MARKETING_MANAGER), language="en")
    assert other.get(f"/api/rule-drafts/{draft['id']}").status_code == 404


def test_publishing_is_refused_to_roles_without_it_and_to_an_unready_draft(utility_committed):
    for role in (Role.ACCOUNT_MANAGER, Role.ANALYST, Role.AUDITOR):
        assert ApiClient(role_user(role)).post_json("/api/rule-drafts/1/publish", {}).status_code == 403
    admin = ApiClient(role_user(Role.ADMINISTRATOR), language="en")
    assert admin.post_json("/api/rule-drafts/999/publish", {}).status_code == 404
    first = admin.post_json("/api/rules", RULE).json()
    second = admin.post_json("/api/rules", {**RULE, "condition": "complaints_12m >= 4"}).json()
    assert background_wait(120)
    assert admin.post_json(f"/api/rule-drafts/{first['id']}/publish", {}).status_code == 200
    assert background_wait(120)
    stale = admin.post_json(f"/api/rule-drafts/{second['id']}/publish", {})
    assert stale.status_code == 409 and "changed since this preview" in stale.json()["message"]
    assert Rule.objects.get(name="repeat complainer", is_current=True).condition_text == "complaints_12m >= 1"


def test_a_dry_run_started_through_the_api_counts_and_changes_nothing(utility_committed):
    changes = AssignmentChange.objects.count()
    for role in (Role.ACCOUNT_MANAGER, Role.ANALYST, Role.AUDITOR):
        assert ApiClient(role_user(role)).post_json("/api/runs", {"dry_run": True}).status_code == 403
    admin = ApiClient(role_user(Role.ADMINISTRATOR), language="en")
    started = admin.post_json("/api/runs", {"dry_run": True, "as_of": "2025-06-30"})
    assert started.status_code == 202, started.content
    run = started.json()
    assert run["dry_run"] and run["as_of"] == "2025-06-30" and run["status"] == "running"
    assert background_wait(120)
    done = ApiClient(role_user(Role.AUDITOR)).get(f"/api/runs/{run['id']}").json()
    assert done["status"] == "succeeded" and done["progress"] == {"phase": "done", "step": 3, "steps": 3}
    assert done["customers_graded"] > 100 and done["changed_total"] > 0
    assert AssignmentChange.objects.count() == changes
    listed = admin.get("/api/runs?limit=1").json()
    assert listed["items"][0]["id"] == run["id"] and listed["next_cursor"]
    older = admin.get(f"/api/runs?limit=1&cursor={listed['next_cursor']}").json()["items"]
    assert older[0]["id"] < run["id"]
    assert AuditEntry.objects.filter(action="run.start", object_id=str(run["id"])).exists()


def test_a_run_with_an_engine_other_than_the_database_is_refused_naming_the_engine(utility_committed):
    admin = ApiClient(role_user(Role.ADMINISTRATOR), language="en")
    other = "postgres" if admin.get("/api/runs").json()["items"][0]["engine"] == "sqlite" else "sqlite"
    refused = admin.post_json("/api/runs", {"engine": other})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "engine"
    assert admin.post_json("/api/runs", {"engine": "fast"}).json()["errors"][0]["field"] == "engine"
