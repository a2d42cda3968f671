"""Exporting a customer list: the rows as the list shows them, masked, within the row scope, audited.

The API (`GET /api/customers/export`) and the web list's download buttons both call `customer_export`
and format its rows with `ingest.export.writers` (CSV or Excel, formulas neutralised). The caller passes
the filtered queryset it shows; it is intersected with the user's row scope here, so an export never
holds a customer its user could not open.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from stratacrm.accounts.models import User
from stratacrm.accounts.services.audit import audit_record

from .models import Customer
from .selectors import SUMMARY_FIELDS, customer_present, customer_scope

EXPORT_HEADER = (*SUMMARY_FIELDS, "owner", "tags")
EXPORT_CHUNK = 2000


def customer_export(
    *, user: User, queryset: QuerySet[Customer], filters: dict[str, Any], format: str
) -> Iterator[list[Any]]:
    """Audit the export (filters as given, row count, format) and return its rows, in account-number
    order, masked for `user` (the header is `EXPORT_HEADER`)."""
    customers = customer_scope(user=user).filter(pk__in=queryset.values("pk"))
    audit_record(
        actor=user,
        action="customer.export",
        object_type="customers.customer",
        after={"filters": filters, "rows": customers.count(), "format": format},
    )
    return _rows(user, customers.select_related("owner").prefetch_related("tags"))


def _rows(user: User, customers: QuerySet[Customer]) -> Iterator[list[Any]]:
    for customer in customers.order_by("account_number").iterator(chunk_size=EXPORT_CHUNK):
        shown = customer_present(customer, user=user, fields=SUMMARY_FIELDS)
        owner = shown["owner"]["username"] if shown["owner"] else ""
        yield [*(shown[f] for f in SUMMARY_FIELDS), owner, "|".join(shown["tags"])]
