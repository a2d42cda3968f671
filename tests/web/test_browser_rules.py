"""Edit a rule in the builder, preview who would move, publish it and watch the run, in a browser."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import Role
from stratacrm.segmentation.models import Rule
from tests.browser import browser_page, chromium_path, screenshot

from .browsing import settle, sign_in, unlabelled, user_with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]


def test_edit_preview_and_publish_a_rule_without_a_terminal(live_server, utility_committed):
    user = user_with_password(Role.MARKETING_MANAGER)
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, user)
        page.get_by_role("link", name="规则", exact=True).click()
        page.wait_for_selector("text=规则与分级方案")
        screenshot(page, "rules-zh")
        page.get_by_role("link", name="编辑规则 repeat complainer").click()
        page.wait_for_selector("#check-result")
        assert unlabelled(page) == []
        row = page.locator("#rule-builder .row").first
        row.get_by_label("值").fill("1")
        page.wait_for_selector("#check-result:has-text('complaints_12m >= 1')")
        page.get_by_role("button", name="+ 条件", exact=True).click()
        page.locator("#rule-builder .row").nth(1).get_by_label("字段").select_option("customer_type")
        page.locator("#rule-builder .row").nth(1).get_by_label("值").select_option("commercial")
        page.wait_for_selector("#check-result:has-text(\"customer_type = 'commercial'\")")
        screenshot(page, "rule-builder-zh")
        page.get_by_label("文本").check()
        text = page.get_by_label("条件", exact=True)
        assert text.input_value() == "complaints_12m >= 1 AND customer_type = 'commercial'"
        text.fill("complaints_12 >= 1 AND customer_type = 'commercial'")
        page.wait_for_selector("#rule-validation .notice.bad")
        assert "complaints_12m" in page.inner_text("#rule-validation")
        screenshot(page, "rule-builder-error-zh")
        page.get_by_role("button", name="替换").click()
        page.wait_for_selector("#check-result")
        assert text.input_value() == "complaints_12m >= 1 AND customer_type = 'commercial'"
        page.get_by_role("button", name="预览修改").click()
        page.wait_for_selector("#preview-summary", timeout=60_000)
        settle(page)
        assert page.locator("table.matrix").count() >= 1
        screenshot(page, "rule-preview-zh")
        page.get_by_role("button", name="发布此规则").click()
        page.wait_for_selector("#run-finished", timeout=90_000)
        screenshot(page, "rule-published-zh")
        current = Rule.objects.get(name="repeat complainer", is_current=True)
        assert (current.version, current.condition_text) == (
            2,
            "complaints_12m >= 1 AND customer_type = 'commercial'",
        )
        page.goto(f"{live_server.url}/rules/service_flags/versions/repeat complainer")
        settle(page)
        screenshot(page, "rule-versions-zh")
        assert problems.items == []


def test_runs_and_audit_pages(live_server, utility_committed):
    admin = user_with_password(Role.ADMINISTRATOR)
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, admin)
        page.get_by_role("link", name="分级运行", exact=True).click()
        page.wait_for_selector("#run-table")
        page.get_by_role("button", name="开始分级运行").click()
        page.wait_for_selector("#run-finished", timeout=90_000)
        page.wait_for_function("() => document.querySelectorAll('#run-table tbody tr').length >= 2")
        screenshot(page, "runs-zh")
        page.get_by_role("link", name="审计日志", exact=True).click()
        page.wait_for_selector("main table")
        settle(page)
        assert "ruleset.load" in page.content()
        assert unlabelled(page) == []
        screenshot(page, "audit-zh")
        assert problems.items == []
