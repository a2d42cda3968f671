"""The overview page and the admin, as each role sees them, in both languages."""

import pytest
from django.test import Client

from stratacrm.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(role: Role, **fields) -> Client:
    client = Client()
    admin = role == Role.ADMINISTRATOR
    client.force_login(factories.user(role=role, is_staff=admin, is_superuser=admin, **fields))
    return client


def test_overview_needs_sign_in():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ACCOUNT_MANAGER])
def test_every_role_with_all_rows_sees_the_overview_counts(role):
    factories.customer(customer_type="industrial")
    factories.customer(customer_type="residential")
    factories.customer(customer_type="residential")
    page = signed_in(role).get("/en/").content.decode()
    assert "3 customers in all." in page
    assert "Residential" in page and "Industrial" in page


def test_account_manager_overview_counts_only_its_own_customers():
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    factories.customer(customer_type="industrial", owner=manager)
    factories.customer(customer_type="residential")
    factories.customer(customer_type="residential")
    client = Client()
    client.force_login(manager)
    page = client.get("/en/").content.decode()
    assert "1 customer in all." in page
    assert "Industrial" in page and "Residential" not in page


def test_overview_speaks_chinese_by_default_and_english_on_request():
    client = signed_in(Role.MARKETING_MANAGER)
    assert "客户概览" in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Customer overview" in client.get("/en/").content.decode()


def test_language_switch_sets_the_language():
    client = signed_in(Role.ANALYST)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Customer overview" in client.get(response["Location"]).content.decode()


def test_admin_is_for_administrators_only():
    assert signed_in(Role.ADMINISTRATOR).get("/en/admin/").status_code == 200
    assert signed_in(Role.ADMINISTRATOR).get("/admin/customers/customer/").status_code == 200
    assert signed_in(Role.ACCOUNT_MANAGER).get("/en/admin/").status_code == 302


def test_login_page_renders_in_both_languages():
    assert "Sign in" in Client().get("/en/login/").content.decode()
    assert "登录" in Client().get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
