"""Every page an administrator reaches from the menu renders in Chinese and in English, in a real
browser, without a console error, a failed asset or an unlabelled input."""

from __future__ import annotations

import pytest

from stratacrm.accounts.models import Role
from stratacrm.customers.models import Customer
from tests.browser import browser_page, chromium_path, screenshot

from .browsing import settle, sign_in, unlabelled, user_with_password

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]
PAGES = {
    "overview": "/",
    "customers": "/customers/",
    "rules": "/rules/",
    "scheme": "/rules/schemes/churn_risk/",
    "runs": "/runs/",
    "audit": "/audit/",
    "imports": "/imports/",
    "duplicates": "/duplicates/",
}


def test_every_page_in_both_languages(live_server, utility_committed):
    user = user_with_password(Role.ADMINISTRATOR)
    account = Customer.objects.order_by("pk").values_list("account_number", flat=True).first()
    pages = {**PAGES, "customer-360": f"/customers/{account}/"}
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, user)
        for language in ("zh-hans", "en"):
            prefix = "" if language == "zh-hans" else "/en"
            for name, path in pages.items():
                response = page.goto(f"{live_server.url}{prefix}{path}")
                assert response is not None and response.status == 200, (language, path)
                settle(page)
                assert page.locator("html").get_attribute("lang") == language, (language, path)
                assert unlabelled(page) == [], (language, path)
                screenshot(page, f"page-{name}-{'zh' if language == 'zh-hans' else 'en'}")
        assert problems.items == []
