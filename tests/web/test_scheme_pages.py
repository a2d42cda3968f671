"""Grade schemes in the browser: who sees and edits them, problems named by field, preview and publish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.segmentation.models import Assignment, GradingRun, RunStatus, Scheme
from stratacrm.web.background import background_wait
from stratacrm.web.models import PreviewStatus, SchemePreview
from stratacrm.web.scheme_forms import SchemeEdit
from stratacrm.web.selectors.scheme_editor import scheme_editor

EDITORS = (Role.ADMINISTRATOR, Role.MARKETING_MANAGER)
READERS = (Role.ACCOUNT_MANAGER, Role.ANALYST, Role.AUDITOR)
SignIn = Callable[..., Client]


def posted(kind: str, **changes: Any) -> dict[str, Any]:
    """The edit form of `kind` as the page fills it in, with `changes` (None removes a field)."""
    edit = SchemeEdit(editor=scheme_editor(kind=kind))
    data: dict[str, Any] = {}
    forms = [edit.form]
    for rows in edit.sets.values():
        management = rows.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial[name]
        forms += [row for row in rows.forms if row.initial]
    for form in forms:
        for name, field in form.fields.items():
            value = form.get_initial_for_field(field, name)
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def preview(client: Client, kind: str, **changes: Any) -> str:
    response = client.post(
        f"/en/rules/schemes/{kind}/preview/", posted(kind, **changes), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_every_role_reads_a_scheme_and_its_versions(signed_in: SignIn, utility: Any) -> None:
    for role in (*EDITORS, *READERS):
        page = signed_in(role).get("/en/rules/schemes/churn_risk/").content.decode()
        assert "kWh down 25% on the same months last year" in page and "+40" in page and "≥ 60" in page
        assert ("Edit the scheme" in page) == (role in EDITORS)
    assert signed_in(Role.ANALYST).get("/en/rules/schemes/no_such/").status_code == 404


@pytest.mark.django_db
def test_only_administrators_and_marketing_managers_edit_preview_and_publish(
    signed_in: SignIn, utility: Any
) -> None:
    for role in EDITORS:
        page = signed_in(role).get("/en/rules/schemes/value_score/edit/").content.decode()
        assert 'name="tier-0-label" value="S"' in page and "months_since_last_bill" in page
    for role in READERS:
        client = signed_in(role)
        assert client.get("/en/rules/schemes/value_score/edit/").status_code == 403
        assert client.post("/en/rules/schemes/value_score/preview/", {}).status_code == 403
        assert client.get("/en/rules/schemes/previews/1/").status_code == 403
        assert client.post("/en/rules/schemes/previews/1/publish/").status_code == 403


@pytest.mark.django_db
def test_cut_off_problems_name_the_row_and_field(signed_in: SignIn, utility: Any) -> None:
    client = signed_in(Role.MARKETING_MANAGER)
    shares = preview(client, "value_score", **{"tier-1-value": "20"})
    assert "The shares add up to 105, not 100." in shares
    falling = preview(client, "churn_risk", **{"level-1-value": "70"})
    assert "Cut-off (row 2): Each cut-off must be below the one of the row above." in falling
    last = preview(client, "churn_risk", **{"level-2-value": "5"})
    assert "Cut-off (row 3): The last cut-off is 0" in last
    assert not SchemePreview.objects.exists()


@pytest.mark.django_db
def test_engine_refusals_name_the_field_in_the_users_language(signed_in: SignIn, utility: Any) -> None:
    client = signed_in(Role.MARKETING_MANAGER)
    page = preview(client, "value_score", **{"part-1-metric": "payments_count_12"})
    assert "Metric (row 2): unknown name “payments_count_12”; did you mean payments_count_12m?" in page
    data = posted("churn_risk", **{"signal-0-condition": "kwh_drop_complete >= 'a lot'"})
    chinese = client.post("/rules/schemes/churn_risk/preview/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "kwh_drop_complete 是数字,而“a lot”不是" in chinese.content.decode()
    assert not SchemePreview.objects.exists()


@pytest.mark.django_db
def test_a_tier_or_stage_a_rule_still_gives_cannot_go(signed_in: SignIn, utility: Any) -> None:
    client = signed_in(Role.ADMINISTRATOR)
    renamed = preview(client, "value_score", **{"tier-0-label": "SS"})
    assert "The rule “important users” gives “S”, which this change removes" in renamed
    stages = "\n".join(["prospect", "new", "growing", "mature", "at_risk", "churned"])
    gone = preview(client, "lifecycle", stages=stages)
    assert "gives “won_back”, which this change removes" in gone
    default = preview(client, "lifecycle", default="dormant")
    assert "Stage when no rule matches: “dormant” is not one of the stages." in default
    twice = preview(client, "lifecycle", stages="prospect\nnew\nnew")
    assert "Line 3: the stage “new” is listed twice." in twice


@pytest.mark.django_db(transaction=True)
def test_a_previewed_cut_off_is_published_as_a_new_version_and_graded(
    signed_in: SignIn, utility_committed: Any
) -> None:
    before = set(Assignment.objects.values_list("customer_id", "dimension", "value"))
    manager = signed_in(Role.MARKETING_MANAGER)
    page = preview(manager, "value_score", **{"tier-0-value": "10", "tier-1-value": "10"})
    assert 'id="scheme-preview"' in page and "scheme-problems" not in page
    assert background_wait(120)
    found = SchemePreview.objects.get()
    assert found.status == PreviewStatus.READY, found.error
    moves = {(m[0], m[1], m[2]) for m in found.result["moves"]}
    assert ("value_tier", "A", "S") in moves
    assert set(Assignment.objects.values_list("customer_id", "dimension", "value")) == before
    shown = manager.get(f"/en/rules/schemes/previews/{found.pk}/").content.decode()
    assert "Publish this scheme" in shown and "Migration matrix of" in shown
    published = manager.post(f"/en/rules/schemes/previews/{found.pk}/publish/").content.decode()
    assert "changed  scheme    value_score v2" in published
    assert background_wait(120)
    versions = Scheme.objects.filter(kind="value_score").order_by("version")
    assert [(s.version, s.is_current) for s in versions] == [(1, False), (2, True)]
    assert versions[1].definition["tiers"]["quantiles"][:2] == [["S", 10.0], ["A", 10.0]]
    run = GradingRun.objects.latest("started_at")
    assert run.status == RunStatus.SUCCEEDED and run.definitions["schemes"]["value_score"] == 2
    entry = AuditEntry.objects.filter(action="scheme.version").latest("seq")
    assert entry.actor_id == found.user_id and (entry.before or {}).get("version") == 1
    listing = signed_in(Role.AUDITOR).get("/en/rules/schemes/value_score/").content.decode()
    assert "v2" in listing and "v1" in listing and "earlier" in listing
    again = manager.post(f"/en/rules/schemes/previews/{found.pk}/publish/").content.decode()
    assert "already published" in again
