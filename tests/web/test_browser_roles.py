"""Each role signs in, sees the overview and the customer list it may see, in a real browser."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import Role
from stratacrm.accounts.policy import load_policy
from tests.browser import browser_page, chromium_path, screenshot

from .browsing import focus_path, settle, sign_in, unlabelled, user_with_password
from .conftest import manager_of_most_customers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]
NAV = {"rule.view": "/rules/", "grade.view": "/runs/", "audit.view": "/audit/"}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_what_its_policy_allows(live_server, utility_committed, role):
    if role == Role.ACCOUNT_MANAGER:
        user = user_with_password(role, user=manager_of_most_customers())
    else:
        user = user_with_password(role)
    policy = load_policy()
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, user)
        assert page.locator("[data-panel] .chart").count() >= 3, "the overview's charts are drawn"
        assert page.locator("[data-card] .chart.js-plotly-plot").count() == 4
        screenshot(page, f"overview-{role}-zh")
        nav = page.locator("header nav a")
        hrefs = [nav.nth(i).get_attribute("href") or "" for i in range(nav.count())]
        for action, path in NAV.items():
            assert any(h.endswith(path) for h in hrefs) == policy.allows(role, action), (role, action)
        assert unlabelled(page) == []
        page.get_by_role("link", name="客户", exact=True).click()
        page.wait_for_selector("#customer-table")
        settle(page)
        rows = page.locator("#customer-table tbody tr").count()
        assert rows > 0
        screenshot(page, f"customers-{role}-zh")
        assert unlabelled(page) == []
        focused = focus_path(page, 14)
        assert "跳到正文" in focused[0] and "filter-q" in focused, focused  # skip link first, then the search
        assert problems.items == []


def test_overview_in_english_after_switching_language(live_server, utility_committed):
    user = user_with_password(Role.MARKETING_MANAGER)
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, user)
        page.get_by_label("语言").select_option("en")
        page.wait_for_selector("text=Customer overview")
        settle(page)
        assert page.locator("text=Customers by Value tier").count() >= 1  # chart title, table caption
        screenshot(page, "overview-marketing_manager-en")
        page.goto(f"{live_server.url}/en/runs/")
        settle(page)
        screenshot(page, "runs-en")
        assert problems.items == []
