"""Field masking: the only place where a sensitive value is turned into what a role may see.

Which role sees which field how is the policy's `fields` table (docs/security.md); this module holds the
masked forms and applies the table to a dict of values.

>>> mask_phone("13812345678")
'138****5678'
>>> mask_email("zhang@example.com")
'z***@example.com'
>>> mask_id_number("440301199001011234")
'4403**********1234'
>>> mask_address("广东省深圳市南山区科技园路1号", province="广东省", city="深圳市")
'广东省 深圳市 ***'
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from stratacrm.customers.choices import CustomerType

from .policy import load_policy

STARS = "***"
# Names of these customer types are of organisations, not persons: they are not pseudonymised.
ORGANISATION_TYPES = frozenset(
    {CustomerType.COMMERCIAL, CustomerType.INDUSTRIAL, CustomerType.PUBLIC_INSTITUTION, CustomerType.BUSINESS}
)
NOTE_FIELDS = ("subject", "content", "comment")
MASKABLE_FIELDS = ("name", "phone", "email", "address", "id_number")


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits: `138****5678`; short numbers are masked whole."""
    if not value:
        return value
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def mask_email(value: str) -> str:
    """Keep the first letter of the local part and the domain: `z***@example.com`."""
    if not value:
        return value
    local, at, domain = value.partition("@")
    return f"{local[:1]}{STARS}{at}{domain}" if at else STARS


def mask_address(value: str, *, province: str = "", city: str = "") -> str:
    """Province and city only, then `***`: the street and number never show."""
    if not value:
        return value
    return " ".join(part for part in (province, city, STARS) if part)


def mask_id_number(value: str) -> str:
    """First 4 and last 4 characters around a fixed run of 10 stars (the length does not show)."""
    if not value:
        return value
    if len(value) < 10:
        return "*" * 10
    return f"{value[:4]}{'*' * 10}{value[-4:]}"


def pseudonym(account_number: str) -> str:
    """A stable stand-in for a person's name: a keyed hash of the account number, e.g. `C-3F9A1C0B`.

    Keyed with SECRET_KEY, so knowing account numbers does not let anyone rebuild the mapping.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), account_number.encode(), hashlib.sha256).hexdigest()
    return f"C-{digest[:8].upper()}"


def mask_value(field: str, value: Any, *, record: Mapping[str, Any]) -> Any:
    """The masked form of one field's value; `record` supplies context (province, account number…)."""
    if value in (None, ""):
        return value
    if field == "phone":
        return mask_phone(str(value))
    if field == "email":
        return mask_email(str(value))
    if field == "address":
        return mask_address(str(value), province=record.get("province", ""), city=record.get("city", ""))
    if field == "id_number":
        return mask_id_number(str(value))
    if field == "name":
        return STARS
    if field in NOTE_FIELDS:
        return STARS
    return value


def customer_fields_mask(values: dict[str, Any], *, role: str) -> dict[str, Any]:
    """Return `values` (a customer's fields) as `role` may see them by default.

    Unknown keys pass through unchanged, so a caller can mask any subset of a customer's fields.
    """
    policy = load_policy()
    shown = dict(values)
    for field in MASKABLE_FIELDS:
        if field not in values:
            continue
        view = policy.field_view(role, field)
        if view == "clear":
            continue
        if view == "pseudonym":
            if values.get("customer_type") not in ORGANISATION_TYPES:
                shown[field] = pseudonym(str(values.get("account_number", "")))
            continue
        shown[field] = mask_value(field, values[field], record=values)
    return shown


def event_notes_mask(values: dict[str, Any], *, role: str) -> dict[str, Any]:
    """Return an event's fields with its free-text notes masked if the policy says so for `role`."""
    if load_policy().field_view(role, "notes") == "clear":
        return values
    return {k: (mask_value(k, v, record=values) if k in NOTE_FIELDS else v) for k, v in values.items()}


def audit_values_mask(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Mask every sensitive value and note in a before/after dict, whoever will read the audit trail."""
    if values is None:
        return None
    return {
        k: (mask_value(k, v, record=values) if k in (*MASKABLE_FIELDS[1:], *NOTE_FIELDS) else v)
        for k, v in values.items()
    }
