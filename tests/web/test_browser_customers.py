"""Filtering the list, opening a 360 view, unmasking, and logging a complaint that raises the risk."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import Role
from stratacrm.customers.models import Customer
from stratacrm.segmentation.models import Assignment
from tests import factories
from tests.browser import browser_page, chromium_path, screenshot

from .browsing import settle, sign_in, unlabelled, user_with_password
from .conftest import rules_publish
from .test_customer_events import RULES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]


def test_filter_the_list_open_a_customer_and_unmask_its_contacts(live_server, utility_committed):
    user = user_with_password(Role.MARKETING_MANAGER)
    tier_s = Assignment.objects.filter(dimension="value_tier", value="S").count()
    with browser_page(locale="en-US") as (page, problems):
        sign_in(page, live_server.url, user, language="en")
        page.locator("#chart-value_tier g.point path").first.click(force=True)  # the bar of tier S
        page.wait_for_url("**/customers/?tier=S")
        page.wait_for_selector("#customer-table")
        settle(page)
        assert page.get_by_label("Value tier").input_value() == "S"
        page.get_by_label("Value tier").select_option("")
        page.wait_for_function("() => !location.search.includes('tier=S')")
        settle(page)
        page.evaluate("() => { window.notReloaded = true; }")
        page.get_by_label("Value tier").select_option("S")
        page.wait_for_url("**tier=S**")
        settle(page)
        assert page.evaluate("() => window.notReloaded") is True, "htmx swapped the table in place"
        assert page.inner_text("#result-count").startswith(f"{tier_s} customer")
        assert page.locator("#customer-table tbody tr").count() == tier_s
        screenshot(page, "customers-filtered-en")
        first = page.locator("#customer-table tbody tr td a").first
        number = first.inner_text()
        first.click()
        page.wait_for_selector("#grades")
        settle(page)
        assert page.locator('[data-grade="value_tier"]').inner_text().strip() == "S"
        customer = Customer.objects.get(account_number=number)
        if customer.phone:
            assert customer.phone not in page.content()
        screenshot(page, "customer-360-en")
        assert unlabelled(page) == []
        page.get_by_role("button", name="Show the contact details").click()
        page.wait_for_selector("text=Clear values, shown to you")
        if customer.phone:
            assert customer.phone in page.inner_text("#contact")
        screenshot(page, "customer-360-unmasked-en")
        assert problems.items == []


def test_a_complaint_logged_in_the_360_view_raises_the_churn_risk_without_a_reload(live_server):
    manager = user_with_password(Role.ACCOUNT_MANAGER)
    customer = factories.customer(owner=manager, name="深圳市南山区示例商店", customer_type="commercial")
    rules_publish(RULES)
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, manager)
        page.goto(f"{live_server.url}/customers/{customer.account_number}/")
        settle(page)
        risk = page.locator('[data-grade="churn_risk"]')
        assert risk.inner_text().strip() == "低"
        page.evaluate("() => { window.notReloaded = true; }")
        page.get_by_label("投诉", exact=True).fill("计划停电未提前通知")
        page.get_by_label("优先级").select_option("high")
        page.get_by_role("button", name="登记投诉").click()
        page.wait_for_selector("text=投诉已登记")
        settle(page)
        assert risk.inner_text().strip() == "高"
        assert page.evaluate("() => window.notReloaded") is True
        assert "计划停电未提前通知" in page.inner_text("#events-tickets")
        assert "流失风险" in page.inner_text("#grade-history")
        screenshot(page, "customer-360-after-complaint-zh")
        assert problems.items == []
