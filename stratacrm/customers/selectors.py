"""Reads of the customer domain."""

from dataclasses import dataclass

from django.db.models import Count

from .choices import CustomerType
from .models import Customer


@dataclass(frozen=True)
class TypeCount:
    customer_type: str
    label: str
    count: int


@dataclass(frozen=True)
class CustomerOverview:
    total: int
    by_type: list[TypeCount]


def customer_overview() -> CustomerOverview:
    """Customer counts by type, largest first."""
    rows = Customer.objects.values("customer_type").annotate(n=Count("id")).order_by("-n")
    labels = dict(CustomerType.choices)
    by_type = [
        TypeCount(r["customer_type"], str(labels.get(r["customer_type"], r["customer_type"])), r["n"])
        for r in rows
    ]
    return CustomerOverview(total=sum(t.count for t in by_type), by_type=by_type)
