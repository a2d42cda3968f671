"""Reads of the customer domain. Every read starts from `customer_scope`, and leaves masked.

`customer_scope` is the row scope of docs/security.md; `customer_fields_mask` (accounts.masking) is the
field masking. A customer outside a user's scope simply does not exist for that user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from stratacrm.accounts.masking import customer_fields_mask
from stratacrm.accounts.models import User
from stratacrm.accounts.policy import load_policy, user_may
from stratacrm.paging import Page, keyset_page

from .choices import CustomerType
from .models import Customer, Tag
from .search import name_contains

SUMMARY_FIELDS = (
    "id",
    "account_number",
    "name",
    "customer_type",
    "status",
    "industry",
    "province",
    "city",
    "district",
    "phone",
    "email",
    "version",
    "updated_at",
)
PROFILE_FIELDS = (
    *SUMMARY_FIELDS,
    "size",
    "company",
    "id_number",
    "address",
    "preferred_channel",
    "credit_grade",
    "important_grade",
    "source_channel",
    "contact_form_filled",
    "created_at",
)


def customer_scope(*, user: User | Any) -> QuerySet[Customer]:
    """The customers `user` may reach at all — the one row filter every customer read goes through.

    Roles with row scope `all` reach every customer; `assigned` follows STRATA_ACCOUNT_MANAGER_SCOPE
    (own / team / region). Anonymous or inactive users reach none.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Customer.objects.none()
    if load_policy().row_scope(user.role) == "all":
        return Customer.objects.all()
    mode = settings.STRATA_ACCOUNT_MANAGER_SCOPE
    if mode == "team" and user.team:
        return Customer.objects.filter(owner__team=user.team)
    if mode == "region" and user.region:
        return Customer.objects.filter(province=user.region)
    return Customer.objects.filter(owner=user)


@dataclass(frozen=True)
class CustomerFilters:
    """What a customer list can be narrowed by; empty values do not filter."""

    customer_type: str = ""
    status: str = ""
    province: str = ""
    city: str = ""
    owner_id: int | None = None
    tag: str = ""
    q: str = ""


def _search_allowed_on_name(user: User) -> bool:
    # Searching a name the role cannot read would tell it the name (e.g. "which customers are called 张").
    return load_policy().field_view(user.role, "name") == "clear"


PHONE_SEARCH_DIGITS = 7


def _search_allowed_on_phone(user: User, q: str) -> bool:
    # A masked phone shows its first 3 and last 4 digits. A prefix of 7 or more digits finds a customer by
    # number but reads no hidden digit off a shorter prefix; only roles that may unmask it (audited) look
    # customers up by phone.
    return len(q) >= PHONE_SEARCH_DIGITS and q.isascii() and q.isdigit() and user_may(user, "customer.unmask")


def customer_filtered(*, user: User, filters: CustomerFilters) -> QuerySet[Customer]:
    """The user's customers narrowed by `filters`. Values are bound parameters, never SQL text."""
    queryset = customer_scope(user=user)
    exact = {
        "customer_type": filters.customer_type,
        "status": filters.status,
        "province": filters.province,
        "city": filters.city,
    }
    queryset = queryset.filter(**{k: v for k, v in exact.items() if v})
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.tag:
        # The tag's id first, as a value: PostgreSQL then plans with how many customers hold that tag
        # (walk the list's order for a common tag, gather a rare tag's few customers) instead of joining.
        tag_id = Tag.objects.filter(name=filters.tag).values_list("pk", flat=True).first()
        if tag_id is None:
            return queryset.none()
        tagged = Customer.tags.through.objects.filter(tag_id=tag_id).values("customer_id")
        queryset = queryset.filter(pk__in=tagged)
    q = filters.q.strip()
    if q:
        match = Q(account_number__istartswith=q)
        if _search_allowed_on_name(user):
            match |= name_contains(q)
        if _search_allowed_on_phone(user, q):
            match |= Q(phone__startswith=q)
        queryset = queryset.filter(match)
    return queryset


def customer_values(customer: Customer, *, fields: tuple[str, ...]) -> dict[str, Any]:
    """A customer's fields as a dict, with its owner and tags (prefetched by the caller)."""
    values: dict[str, Any] = {f: getattr(customer, f) for f in fields}
    owner = customer.owner
    values["owner"] = {"id": owner.pk, "username": owner.get_username()} if owner is not None else None
    values["tags"] = [t.name for t in customer.tags.all()]
    return values


def customer_present(customer: Customer, *, user: User, fields: tuple[str, ...]) -> dict[str, Any]:
    """A customer as `user` may see it: the chosen fields, masked per the policy."""
    return customer_fields_mask(customer_values(customer, fields=fields), role=user.role)


def customer_list(*, user: User, filters: CustomerFilters, cursor: str | None, limit: int) -> Page[dict]:
    """One page of the user's customers in account-number order, masked. A constant number of queries."""
    return customer_page(
        user=user, queryset=customer_filtered(user=user, filters=filters), cursor=cursor, limit=limit
    )


def customer_page(*, user: User, queryset: QuerySet[Customer], cursor: str | None, limit: int) -> Page[dict]:
    """One page of `queryset` (already scoped to `user`, e.g. by `customer_filtered`) in account-number
    order, masked for `user`. A constant number of queries."""
    queryset = queryset.select_related("owner").prefetch_related("tags")
    page = keyset_page(queryset, keys=("account_number",), descending=False, cursor=cursor, limit=limit)
    items = [customer_present(c, user=user, fields=SUMMARY_FIELDS) for c in page.items]
    return Page(items=items, next_cursor=page.next_cursor)


def customer_count(*, user: User, filters: CustomerFilters) -> int:
    """How many of the user's customers match `filters`."""
    return customer_filtered(user=user, filters=filters).count()


def customer_get(*, user: User, customer_id: int) -> Customer:
    """One customer in the user's scope; raises Customer.DoesNotExist otherwise (shown as 404)."""
    return customer_scope(user=user).select_related("owner").prefetch_related("tags").get(pk=customer_id)


@dataclass(frozen=True)
class TypeCount:
    customer_type: str
    label: str
    count: int


@dataclass(frozen=True)
class CustomerOverview:
    total: int
    by_type: list[TypeCount]


def customer_overview(*, user: User) -> CustomerOverview:
    """Counts of the user's customers by type, largest first."""
    rows = customer_scope(user=user).values("customer_type").annotate(n=Count("id")).order_by("-n")
    labels = dict(CustomerType.choices)
    by_type = [
        TypeCount(r["customer_type"], str(labels.get(r["customer_type"], r["customer_type"])), r["n"])
        for r in rows
    ]
    return CustomerOverview(total=sum(t.count for t in by_type), by_type=by_type)
