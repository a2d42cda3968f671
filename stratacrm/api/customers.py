"""Customer endpoints: list and search, export, 360 view, create, update, unmask.

Row scope and masking happen in the selectors and services these call; endpoints only translate.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Path, Query, Status

from stratacrm.accounts.models import User
from stratacrm.activity.selectors import customer_360
from stratacrm.customers.exports import EXPORT_HEADER, customer_export
from stratacrm.customers.models import Customer
from stratacrm.customers.selectors import (
    PROFILE_FIELDS,
    CustomerFilters,
    customer_filtered,
    customer_page,
    customer_present,
)
from stratacrm.customers.services import customer_create, customer_unmask, customer_update
from stratacrm.ingest.export.writers import FORMATS, csv_lines, xlsx_bytes
from stratacrm.segmentation.ruleset.schemes import CHURN_RISK, LIFECYCLE, VALUE_TIER
from stratacrm.segmentation.selectors import GradeFilter, customers_holding

from .auth import PolicyRouter, allow, caller
from .errors import Error
from .schemas import (
    Customer360,
    CustomerCreate,
    CustomerFilterQuery,
    CustomerPage,
    CustomerProfile,
    CustomerUpdate,
    UnmaskRequest,
    UnmaskResult,
)
from .types import MAX_ID

router = PolicyRouter(tags=["customers"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): Error}
XLSX = FORMATS["xlsx"]


def _filters(query: CustomerFilterQuery) -> CustomerFilters:
    return CustomerFilters(
        customer_type=query.customer_type or "",
        status=query.status or "",
        province=query.region,
        city=query.city,
        owner_id=query.owner,
        tag=query.tag,
        q=query.q,
    )


def _matching(user: User, query: CustomerFilterQuery) -> QuerySet[Customer]:
    """The user's customers narrowed by the profile filters and the grades asked for, as one query."""
    grades: list[GradeFilter] = []
    if query.group:
        dimension, _, value = query.group.rpartition(":")
        grades.append((dimension or None, value))
    for dimension, value in (
        (VALUE_TIER, query.tier),
        (LIFECYCLE, query.lifecycle),
        (CHURN_RISK, query.churn_risk),
    ):
        if value:
            grades.append((dimension, value))
    return customers_holding(customer_filtered(user=user, filters=_filters(query)), grades=grades)


@router.get("/customers", response={200: CustomerPage, **ERRORS}, auth=allow("customer.view"))
def customers_list(
    request: HttpRequest,
    filters: Query[CustomerFilterQuery],
    cursor: str | None = Query(None, max_length=200, pattern=r"^[A-Za-z0-9_-]*$"),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    """Customers in the caller's row scope, filtered, in account-number order; follow `next_cursor`.

    Every role holding `customer.view`. Sensitive fields masked per role; analysts see pseudonyms for
    persons' names and cannot search by name.
    """
    user = caller(request)
    page = customer_page(user=user, queryset=_matching(user, filters), cursor=cursor, limit=limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


CSV_RESPONSE = {
    "200": {
        "description": "CSV or Excel file",
        "content": {media: {"schema": {"type": "string"}} for media in ("text/csv", XLSX)},
    }
}


@router.get(
    "/customers/export",
    response={**ERRORS},
    auth=allow("customer.export"),
    openapi_extra={"responses": CSV_RESPONSE},
)
def customers_export(
    request: HttpRequest,
    filters: Query[CustomerFilterQuery],
    format: str = Query("csv", pattern="^(csv|xlsx)$"),
) -> Any:
    """The filtered customer list as CSV or Excel (`format=xlsx`), masked exactly as the list shows it;
    text that a spreadsheet would run as a formula is neutralised; the export is audited.

    Administrators, marketing managers, account managers (own rows), analysts (de-identified).
    """
    user = caller(request)
    queryset = _matching(user, filters)
    values = customer_export(user=user, queryset=queryset, filters=filters.dict(), format=format)
    header = list(EXPORT_HEADER)
    if format == "xlsx":
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            xlsx_bytes(header, values, sheet="customers"), content_type=XLSX
        )
    else:
        response = StreamingHttpResponse(csv_lines(header, values), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customers.{format}"'
    return response


@router.get("/customers/{customer_id}", response={200: Customer360, **ERRORS}, auth=allow("customer.view"))
def customers_detail(request: HttpRequest, customer_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """The 360 view: profile, meters, the 5 latest events of each kind, and event counts.

    Every role holding `customer.view`, within its row scope (404 outside it). Masked per role.
    """
    return customer_360(user=caller(request), customer_id=customer_id)


@router.post("/customers", response={201: CustomerProfile, **ERRORS}, auth=allow("customer.create"))
def customers_create(request: HttpRequest, payload: CustomerCreate) -> Any:
    """Create a customer; without `owner_id` the caller owns it. The answer is masked like a read.

    Administrators, marketing managers, account managers (who must stay able to see it).
    """
    user = caller(request)
    customer = customer_create(actor=user, **payload.dict())
    return Status(201, customer_present(customer, user=user, fields=PROFILE_FIELDS))


@router.patch(
    "/customers/{customer_id}", response={200: CustomerProfile, **ERRORS}, auth=allow("customer.update")
)
def customers_update(
    request: HttpRequest, payload: CustomerUpdate, customer_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """Change the fields sent. `version` must be the one read: a stale version gets 409, nothing written.

    Administrators, marketing managers, account managers (own rows; 404 outside them). Answer masked.
    """
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    user = caller(request)
    customer = customer_update(actor=user, customer_id=customer_id, version=version, changes=changes)
    return customer_present(customer, user=user, fields=PROFILE_FIELDS)


@router.post(
    "/customers/{customer_id}/unmask", response={200: UnmaskResult, **ERRORS}, auth=allow("customer.unmask")
)
def customers_unmask(
    request: HttpRequest, payload: UnmaskRequest, customer_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """The clear values of the masked fields asked for. Each call is written to the audit trail.

    Administrators, marketing managers, account managers (own rows). Nothing else shows clear values.
    """
    fields = tuple(dict.fromkeys(payload.fields))
    values = customer_unmask(actor=caller(request), customer_id=customer_id, fields=fields)
    return {"customer_id": customer_id, "values": values}
