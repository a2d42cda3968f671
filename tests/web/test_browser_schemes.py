"""Edit a tier cut-off of the value score, preview who would move, publish it and watch the run."""

from __future__ import annotations

from typing import Any

import pytest

from stratacrm.accounts.models import Role
from stratacrm.segmentation.models import Scheme
from tests.browser import browser_page, chromium_path, screenshot

from .browsing import settle, sign_in, unlabelled, user_with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]


def test_edit_a_tier_cut_off_preview_and_publish_it(live_server: Any, utility_committed: Any) -> None:
    user = user_with_password(Role.MARKETING_MANAGER)
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, user)
        page.get_by_role("link", name="规则", exact=True).click()
        page.wait_for_selector("text=分级方案")
        page.get_by_role("link", name="编辑分级方案 价值等级").click()
        page.wait_for_selector("#scheme-form")
        assert unlabelled(page) == []
        assert page.get_by_label("分界值,第 1 行").input_value() == "5"
        page.get_by_label("分界值,第 2 行").fill("20")
        page.get_by_role("button", name="预览修改").click()
        page.wait_for_selector("#scheme-problems")
        assert "各占比之和为 105,而不是 100。" in page.inner_text("#scheme-problems")
        screenshot(page, "scheme-edit-error-zh")
        page.get_by_label("分界值,第 1 行").fill("10")
        page.get_by_label("分界值,第 2 行").fill("10")
        page.get_by_role("button", name="预览修改").click()
        page.wait_for_selector("#preview-summary", timeout=60_000)
        settle(page)
        assert page.locator("#scheme-problems").count() == 0
        assert page.locator("table.matrix").count() >= 1
        screenshot(page, "scheme-preview-zh")
        page.get_by_role("button", name="发布此方案").click()
        page.wait_for_selector("#run-finished", timeout=90_000)
        screenshot(page, "scheme-published-zh")
        current = Scheme.objects.get(kind="value_score", is_current=True)
        assert current.version == 2
        assert current.definition["tiers"]["quantiles"][:2] == [["S", 10.0], ["A", 10.0]]
        page.goto(f"{live_server.url}/rules/schemes/value_score/")
        settle(page)
        assert page.locator("#scheme-versions tbody tr").count() == 2
        screenshot(page, "scheme-versions-zh")
        assert problems.items == [], "\n".join(problems.items[:8])
