"""Builders of valid rows for tests; each takes overrides for the field under test."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from stratacrm.accounts.models import Role, User
from stratacrm.customers.models import Customer, UtilityAccount

_seq = itertools.count(1)


def user(**overrides: Any) -> User:
    n = next(_seq)
    fields: dict[str, Any] = {"username": f"user{n}", "role": Role.ACCOUNT_MANAGER}
    fields.update(overrides)
    return User.objects.create_user(**fields)


def customer(**overrides: Any) -> Customer:
    n = next(_seq)
    now = timezone.now()
    fields: dict[str, Any] = {
        "account_number": f"T{n:09d}",
        "name": f"Customer {n}",
        "customer_type": "residential",
        "created_at": now,
        "updated_at": now,
    }
    fields.update(overrides)
    return Customer.objects.create(**fields)


def meter(customer: Customer, **overrides: Any) -> UtilityAccount:
    n = next(_seq)
    fields: dict[str, Any] = {
        "customer": customer,
        "meter_number": f"M{n:010d}",
        "tariff_category": "residential",
        "voltage_level": "lt_1kv",
        "contracted_capacity_kva": Decimal("8"),
        "opened_on": dt.date(2020, 1, 1),
    }
    fields.update(overrides)
    return UtilityAccount.objects.create(**fields)
