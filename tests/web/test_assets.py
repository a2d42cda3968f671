"""Browser code is served by the site itself, and no page carries inline scripts or styles (the CSP)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from stratacrm.accounts.models import Role
from stratacrm.web.vendor import PLOTLY_DIR, plotly_css, plotly_style_ids

STATIC = Path(__file__).resolve().parents[2] / "stratacrm" / "web" / "static" / "web"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle=", re.I)


def test_plotly_and_htmx_come_from_their_wheels():
    assert finders.find("vendor/plotly/plotly.min.js") == str(PLOTLY_DIR / "plotly.min.js")
    assert finders.find("django_htmx/htmx-2.min.js")
    assert finders.find("vendor/plotly/other.js") is None


def test_plotly_base_css_holds_the_rules_plotly_would_inject():
    shipped = (STATIC / "plotly-base.css").read_text(encoding="utf-8")
    assert shipped.split("*/\n", 1)[1] == plotly_css()
    assert ".js-plotly-plot .plotly .main-svg {position:absolute" in shipped
    assert plotly_style_ids()  # the map library's stylesheet, held back by an element of its id


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(signed_in, utility):
    from stratacrm.customers.models import Customer

    client = signed_in(Role.ADMINISTRATOR)
    customer = Customer.objects.first()
    assert customer is not None
    for url in (
        "/en/",
        "/en/dashboard/migration/",
        "/en/dashboard/consumption/",
        "/en/customers/",
        f"/en/customers/{customer.account_number}/",
        "/en/rules/",
        "/en/rules/customer_class/edit/industry",
        "/en/runs/",
        "/en/audit/",
        "/en/login/",
    ):
        page = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(page), url
        assert not INLINE_STYLE.search(page), url
        assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page, url
