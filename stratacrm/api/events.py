"""Customer event endpoints: list and create per kind (bills, payments, …), and bulk creation.

The list and create endpoints of the six kinds have the same shape, so they are declared from one table.
Python annotations here must stay real objects (no postponed evaluation): ninja reads them.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Schema, Status

from stratacrm.activity.bulk import events_bulk_create
from stratacrm.activity.kinds import EVENT_KINDS
from stratacrm.activity.selectors import event_list, event_present
from stratacrm.activity.services import bill_create, consumption_record, interaction_log, payment_create
from stratacrm.service.services import survey_response_record, ticket_open

from . import event_schemas as s
from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .types import MAX_ID

router = PolicyRouter(tags=["events"])

ROUTES: dict[str, tuple[type[Schema], type[Schema], type[Schema], Callable[..., Any]]] = {
    "bills": (s.BillIn, s.BillOut, s.BillPage, bill_create),
    "payments": (s.PaymentIn, s.PaymentOut, s.PaymentPage, payment_create),
    "consumption": (s.ConsumptionIn, s.ConsumptionOut, s.ConsumptionPage, consumption_record),
    "interactions": (s.InteractionIn, s.InteractionOut, s.InteractionPage, interaction_log),
    "tickets": (s.TicketIn, s.TicketOut, s.TicketPage, ticket_open),
    "surveys": (s.SurveyIn, s.SurveyOut, s.SurveyPage, survey_response_record),
}


def _declare(
    kind: str, schema_in: type[Schema], schema_out: type[Schema], page: type[Schema], create: Any
) -> None:
    path = f"/customers/{{customer_id}}/{kind}"

    def list_events(
        request: HttpRequest,
        customer_id: int = Path(..., ge=1, le=MAX_ID),
        cursor: str | None = Query(None, max_length=200, pattern=r"^[A-Za-z0-9_-]*$"),
        limit: int = Query(50, ge=1, le=500),
    ) -> Any:
        page_ = event_list(
            user=caller(request), customer_id=customer_id, kind=kind, cursor=cursor, limit=limit
        )
        return {"items": page_.items, "next_cursor": page_.next_cursor}

    list_events.__doc__ = (
        f"The customer's {kind}, newest first; follow `next_cursor`.\n\nEvery role holding `customer.view`, "
        "within its row scope (404 outside it); free-text notes masked for analysts and auditors."
    )

    def create_event(
        request: HttpRequest, payload: Schema, customer_id: int = Path(..., ge=1, le=MAX_ID)
    ) -> Any:
        user = caller(request)
        event = create(actor=user, customer_id=customer_id, **payload.dict())
        return Status(201, event_present(event, kind=EVENT_KINDS[kind], user=user))

    create_event.__annotations__["payload"] = schema_in  # ninja reads the body's shape from here

    create_event.__doc__ = (
        f"Record one of the customer's {kind}; audited, and the customer is marked changed.\n\n"
        "Administrators, marketing managers, account managers (own rows; 404 outside them)."
    )
    router.get(
        path,
        response={200: page, **ERRORS},
        auth=allow("customer.view"),
        operation_id=f"{kind}_list",
        summary=f"List {kind}",
    )(list_events)
    router.post(
        path,
        response={201: schema_out, **ERRORS},
        auth=allow("event.create"),
        operation_id=f"{kind}_create",
        summary=f"Create {kind}",
    )(create_event)


for _kind, (_in, _out, _page, _create) in ROUTES.items():
    _declare(_kind, _in, _out, _page, _create)


@router.post("/events/bulk", response={200: s.BulkResult, **ERRORS}, auth=allow("event.import"))
def events_bulk(request: HttpRequest, payload: s.BulkRequest) -> Any:
    """Create up to 10,000 events of any kinds in one all-or-nothing call.

    Administrators only. Any invalid item: 422 listing each (`items.<index>.<field>`, or the unique or
    check constraint it breaks), nothing written. One audit entry records the import and the ids it made.
    """
    items = [item.dict() for item in payload.items]
    return {"created": events_bulk_create(actor=caller(request), items=items)}
