"""Every page keeps to the reader's row scope and field masking, whatever the role."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from stratacrm.accounts.masking import pseudonym
from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.activity.services import interaction_log
from stratacrm.web.models import SavedView
from tests import factories

pytestmark = pytest.mark.django_db
PHONE, MASKED_PHONE = "13812345678", "138****5678"


def person(**fields):
    values = {"name": "张伟", "phone": PHONE, "province": "广东省", "city": "深圳市"}
    values.update(fields)
    return factories.customer(**values)


def test_account_manager_cannot_open_another_managers_customer(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    own, other = person(owner=manager), person(owner=factories.user(role=Role.ACCOUNT_MANAGER))
    client = signed_in(user=manager)
    assert client.get(f"/en/customers/{own.account_number}/").status_code == 200
    missing = client.get(f"/en/customers/{other.account_number}/")
    assert missing.status_code == 404
    assert "no such customer among those you may see" in missing.content.decode()
    assert client.post(f"/en/customers/{other.account_number}/unmask/").status_code == 404
    logged = client.post(f"/en/customers/{other.account_number}/complaints/", {"complaint-subject": "x"})
    assert logged.status_code == 404


def test_account_manager_lists_only_its_own_customers(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    own = person(owner=manager, account_number="OWN000001")
    person(account_number="OTHER00001")
    page = signed_in(user=manager).get("/en/customers/").content.decode()
    assert own.account_number in page and "OTHER00001" not in page
    assert "1 customer matches." in page


def _reader(signed_in, role, manager):
    return signed_in(user=manager) if role == Role.ACCOUNT_MANAGER else signed_in(role)


def test_list_masks_contacts_for_everyone_and_names_for_analysts(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    person(account_number="P00000001", owner=manager)
    for role in Role:
        page = _reader(signed_in, role, manager).get("/en/customers/").content.decode()
        assert MASKED_PHONE in page and PHONE not in page, role
        assert ("张伟" in page) == (role != Role.ANALYST), role
    assert pseudonym("P00000001") in signed_in(Role.ANALYST).get("/en/customers/").content.decode()


def test_analysts_can_neither_search_nor_sort_by_name(signed_in):
    person(account_number="P00000001")
    analyst = signed_in(Role.ANALYST)
    assert "0 customers match." in analyst.get("/en/customers/?q=张").content.decode()
    page = analyst.get("/en/customers/?sort=name").content.decode()
    assert 'value="name"' not in page
    assert (
        "1 customer matches." in signed_in(Role.MARKETING_MANAGER).get("/en/customers/?q=张").content.decode()
    )


def test_360_view_masks_contacts_and_notes_per_role(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    customer = person(email="zhang@example.com", id_number="440301199001011234", owner=manager)
    interaction_log(
        actor=None,
        customer_id=customer.pk,
        channel="phone",
        direction="inbound",
        occurred_at=timezone.now(),
        subject="电费账单咨询",
    )
    url = f"/en/customers/{customer.account_number}/"
    for role in Role:
        page = _reader(signed_in, role, manager).get(url).content.decode()
        assert MASKED_PHONE in page and "z***@example.com" in page and "4403**********1234" in page
        assert PHONE not in page and "zhang@example.com" not in page
        notes_clear = role in (Role.ADMINISTRATOR, Role.MARKETING_MANAGER, Role.ACCOUNT_MANAGER)
        assert ("电费账单咨询" in page) == notes_clear, role
        assert ("张伟" in page) == (role != Role.ANALYST), role


def test_unmask_shows_clear_contacts_to_allowed_roles_and_is_audited(signed_in):
    customer = person()
    response = signed_in(Role.MARKETING_MANAGER).post(
        f"/en/customers/{customer.account_number}/unmask/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and PHONE in response.content.decode()
    entry = AuditEntry.objects.get(action="customer.unmask")
    assert entry.object_id == str(customer.pk) and "phone" in (entry.after or {})["fields"]
    assert PHONE not in str(entry.after)
    for role in (Role.ANALYST, Role.AUDITOR):
        assert signed_in(role).post(f"/en/customers/{customer.account_number}/unmask/").status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_scoped_masked_and_audited(signed_in, fmt):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    person(owner=manager, account_number="OWN000001")
    person(account_number="OTHER00001")
    response = signed_in(user=manager).get(f"/en/customers/export.{fmt}?q=OWN")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert [r[1] for r in rows[1:]] == ["OWN000001"]
    assert MASKED_PHONE in rows[1] and not any(PHONE in cell for row in rows for cell in row)
    entry = AuditEntry.objects.get(action="customer.export")
    assert (entry.after or {})["rows"] == 1 and (entry.after or {})["format"] == fmt
    assert signed_in(Role.AUDITOR).get(f"/en/customers/export.{fmt}").status_code == 403


def test_dashboard_counts_only_the_account_managers_customers(signed_in):
    manager = factories.user(role=Role.ACCOUNT_MANAGER)
    person(owner=manager, customer_type="industrial")
    person(customer_type="residential")
    page = signed_in(user=manager).get("/en/").content.decode()
    assert "1 customer in all." in page and "Industrial" in page and "Residential" not in page


@pytest.mark.parametrize("role", list(Role))
def test_audit_trail_page_is_for_auditors_and_administrators(signed_in, role):
    allowed = role in (Role.AUDITOR, Role.ADMINISTRATOR)
    response = signed_in(role).get("/en/audit/")
    assert response.status_code == (200 if allowed else 403)
    assert ("Your role may not open this page" in response.content.decode()) != allowed


@pytest.mark.parametrize("role", list(Role))
def test_rule_builder_is_for_those_who_change_rules(signed_in, utility, role):
    allowed = role in (Role.ADMINISTRATOR, Role.MARKETING_MANAGER)
    client = signed_in(role)
    assert client.get("/en/rules/").status_code == 200
    response = client.get("/en/rules/service_flags/edit/late payer")
    assert response.status_code == (200 if allowed else 403)


def test_saved_views_belong_to_their_user(signed_in):
    owner = factories.user(role=Role.MARKETING_MANAGER)
    client = signed_in(user=owner)
    client.post("/en/saved-views/", {"name": "Industrial", "query": "customer_type=industrial&cursor=abc"})
    view = SavedView.objects.get(user=owner)
    assert view.query == "customer_type=industrial"
    assert "Industrial" in client.get("/en/customers/").content.decode()
    stranger = signed_in(Role.MARKETING_MANAGER)
    assert stranger.post(f"/en/saved-views/{view.pk}/delete/").status_code == 404
    assert client.post(f"/en/saved-views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()
