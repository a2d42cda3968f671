"""Masked forms of each sensitive field, and how the policy applies them per role."""

import pytest

from stratacrm.accounts.masking import (
    audit_values_mask,
    customer_fields_mask,
    event_notes_mask,
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
    pseudonym,
)

PERSON = {
    "account_number": "1000000001",
    "customer_type": "residential",
    "name": "张伟",
    "phone": "13812345678",
    "email": "zhang@example.com",
    "address": "广东省深圳市南山区科技园路1号",
    "province": "广东省",
    "city": "深圳市",
    "id_number": "440301199001011234",
}


def test_masked_forms():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_email("zhang@example.com") == "z***@example.com"
    assert mask_address(PERSON["address"], province="广东省", city="深圳市") == "广东省 深圳市 ***"
    assert mask_id_number("440301199001011234") == "4403**********1234"
    assert mask_id_number("91440300MA5DC0XX1K") == "9144**********XX1K"  # a unified social credit code


def test_short_values_are_masked_whole_and_empty_stays_empty():
    assert mask_phone("95598") == "*****"
    assert mask_id_number("12345") == "**********"
    assert mask_email("not-an-email") == "***"
    assert mask_phone("") == ""


def test_pseudonym_is_stable_and_does_not_contain_the_account_number():
    assert pseudonym("1000000001") == pseudonym("1000000001")
    assert pseudonym("1000000001") != pseudonym("1000000002")
    assert "1000000001" not in pseudonym("1000000001")


@pytest.mark.parametrize(
    "role", ["administrator", "marketing_manager", "account_manager", "analyst", "auditor"]
)
def test_every_role_sees_contact_fields_masked_by_default(role):
    shown = customer_fields_mask(PERSON, role=role)
    assert shown["phone"] == "138****5678"
    assert shown["email"] == "z***@example.com"
    assert shown["address"] == "广东省 深圳市 ***"
    assert shown["id_number"] == "4403**********1234"


def test_analysts_see_pseudonyms_for_persons_but_company_names_stay():
    assert customer_fields_mask(PERSON, role="analyst")["name"] == pseudonym("1000000001")
    assert customer_fields_mask(PERSON, role="account_manager")["name"] == "张伟"
    company = {**PERSON, "customer_type": "industrial", "name": "深圳精密制造有限公司"}
    assert customer_fields_mask(company, role="analyst")["name"] == "深圳精密制造有限公司"


def test_notes_are_masked_for_analysts_and_auditors_only():
    event = {"subject": "电费咨询", "content": "客户电话 13812345678", "channel": "phone"}
    assert event_notes_mask(event, role="account_manager") == event
    assert event_notes_mask(event, role="analyst") == {"subject": "***", "content": "***", "channel": "phone"}
    assert event_notes_mask(event, role="auditor")["content"] == "***"


def test_audit_values_never_hold_clear_sensitive_values():
    masked = audit_values_mask(PERSON)
    assert masked is not None
    for field in ("phone", "email", "address", "id_number"):
        assert masked[field] != PERSON[field]
    assert masked["name"] == "张伟"
