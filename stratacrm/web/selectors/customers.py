"""The customer list: filters over the profile and the grades, sort, keyset pages, and grades per row.

A page costs a fixed number of queries whatever its size: the count, the page, its tags, its grades.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import load_policy
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import CustomerFilters, customer_filtered, customer_present
from stratacrm.paging import InvalidCursor, keyset_page
from stratacrm.segmentation.models import Assignment, AssignmentChange
from stratacrm.service.choices import TicketKind
from stratacrm.service.models import Ticket

from .grades import Grades

PAGE_SIZE = 50
LIST_FIELDS = ("id", "account_number", "name", "customer_type", "status", "province", "city", "phone")
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "account_number": (("account_number",), False),
    "-account_number": (("account_number",), True),
    "name": (("name", "account_number"), False),
    "-updated_at": (("updated_at", "account_number"), True),
    "region": (("province", "city", "account_number"), False),
}
NAME_SORTS = frozenset({"name"})


@dataclass(frozen=True)
class CustomerQuery:
    """What the list shows: profile filters, grade filters (dimension, value), sort and page."""

    profile: CustomerFilters = field(default_factory=CustomerFilters)
    grades: tuple[tuple[str, str], ...] = ()
    moved: tuple[int, str, str, str] | None = None  # run, dimension, from, to ("" = none)
    complained_months: int | None = None
    sort: str = "account_number"
    cursor: str | None = None


@dataclass(frozen=True)
class CustomerRow:
    """One customer as the list shows it to its reader: masked fields, and its grade per dimension."""

    values: dict[str, Any]
    grades: dict[str, list[str]]


@dataclass(frozen=True)
class CustomerTable:
    rows: list[CustomerRow]
    total: int
    next_cursor: str | None
    sort: str


def sorts_for(user: User) -> list[str]:
    """The sorts open to `user`: ordering by a name it cannot read would tell it the name."""
    clear = load_policy().field_view(user.role, "name") == "clear"
    return [s for s in SORTS if clear or s not in NAME_SORTS]


def customers_matching(*, user: User, query: CustomerQuery) -> QuerySet[Customer]:
    """The user's customers (row scope first) narrowed by every filter of `query`; values are bound."""
    queryset = customer_filtered(user=user, filters=query.profile)
    for dimension, value in query.grades:
        held = Assignment.objects.filter(dimension=dimension, value=value)
        queryset = queryset.filter(pk__in=held.values("customer_id"))
    if query.moved is not None:
        run, dimension, before, after = query.moved
        moves = AssignmentChange.objects.filter(run_id=run, dimension=dimension)
        moves = moves.filter(from_value=before, to_value=after)
        queryset = queryset.filter(pk__in=moves.values("customer_id"))
    if query.complained_months:
        since = timezone.now() - dt.timedelta(days=round(30.44 * query.complained_months))
        complaints = Ticket.objects.filter(kind=TicketKind.COMPLAINT, opened_at__gte=since)
        queryset = queryset.filter(pk__in=complaints.values("customer_id"))
    return queryset


def customer_table(
    *, user: User, query: CustomerQuery, grades: Grades, limit: int = PAGE_SIZE
) -> CustomerTable:
    """One page of the list, masked for `user`, with the shown grades of each row."""
    matching = customers_matching(user=user, query=query)
    sort = query.sort if query.sort in sorts_for(user) else "account_number"
    keys, descending = SORTS[sort]
    rows = matching.select_related("owner").prefetch_related("tags")
    try:
        page = keyset_page(rows, keys=keys, descending=descending, cursor=query.cursor, limit=limit)
    except InvalidCursor:
        page = keyset_page(rows, keys=keys, descending=descending, cursor=None, limit=limit)
    held: dict[int, dict[str, list[str]]] = {c.pk: {} for c in page.items}
    shown = grades.shown
    if held and shown:
        assignments = Assignment.objects.filter(customer_id__in=held, dimension__in=shown)
        for customer_id, dimension, value in assignments.values_list("customer_id", "dimension", "value"):
            held[customer_id].setdefault(dimension, []).append(value)
    table_rows = [
        CustomerRow(customer_present(c, user=user, fields=LIST_FIELDS), held[c.pk]) for c in page.items
    ]
    return CustomerTable(table_rows, matching.count(), page.next_cursor, sort)


def regions_in_scope(*, user: User) -> list[str]:
    """The provinces of the user's customers, for the region filter."""
    scope = customer_filtered(user=user, filters=CustomerFilters()).exclude(province="")
    return list(scope.order_by("province").values_list("province", flat=True).distinct())


def owners_in_scope(*, user: User) -> list[tuple[int, str]]:
    """The users owning customers the user reaches (id, user name), for the owner filter."""
    owner_ids = customer_filtered(user=user, filters=CustomerFilters()).values("owner_id")
    owners = User.objects.filter(pk__in=owner_ids).order_by("username")
    return [(owner.pk, owner.get_username()) for owner in owners]
