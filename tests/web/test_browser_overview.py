"""Signing in and switching language in a real browser."""

import pytest

from stratacrm.accounts.models import Role
from tests import factories
from tests.browser import browser_page, chromium_path, screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]


def test_sign_in_see_overview_and_switch_language(live_server):
    factories.user(username="mkt", password="a-long-password-1", role=Role.MARKETING_MANAGER)
    factories.customer(customer_type="commercial")
    with browser_page() as (page, problems):
        page.goto(f"{live_server.url}/")
        assert "/login/" in page.url
        page.get_by_label("用户名").fill("mkt")
        page.get_by_label("密码").fill("a-long-password-1")
        screenshot(page, "login-zh")
        page.get_by_role("button", name="登录").click()
        page.wait_for_selector("text=客户概览")
        page.wait_for_load_state("networkidle")  # the chart library is large; let it arrive
        assert "商业" in page.content()
        screenshot(page, "overview-zh")
        page.get_by_label("语言").select_option("en")
        page.wait_for_selector("text=Customer overview")
        page.wait_for_load_state("networkidle")
        assert "Commercial" in page.content()
        screenshot(page, "overview-en")
        page.keyboard.press("Tab")  # keyboard navigation reaches the header links
        assert page.evaluate("document.activeElement.tagName") in {"A", "SELECT", "BUTTON", "INPUT"}
        assert problems.items == []
