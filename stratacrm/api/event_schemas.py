"""Request and response shapes of customer events, one pair per kind, and the bulk request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from stratacrm.activity.choices import ActivityKind, Direction, PaymentChannel
from stratacrm.customers.choices import Channel
from stratacrm.service.choices import TicketKind, TicketPriority

from .types import Amount, Day, Id, Key32, Kwh, Moment, Name100, Text64, Text200, Text5000


class BillIn(Schema):
    period: Day = Field(..., description="First day of the billed month.")
    amount: Amount
    issued_on: Day
    due_date: Day
    kwh: Kwh = Decimal(0)


class PaymentIn(Schema):
    paid_on: Day
    amount: Amount
    channel: PaymentChannel | Literal[""] = ""
    bill_id: Id | None = None


class ConsumptionIn(Schema):
    meter_id: Id
    period: Day = Field(..., description="First day of the month.")
    kwh_total: Kwh
    kwh_peak: Kwh = Decimal(0)
    kwh_flat: Kwh = Decimal(0)
    kwh_offpeak: Kwh = Decimal(0)


class InteractionIn(Schema):
    channel: Channel
    direction: Direction
    occurred_at: Moment
    activity: ActivityKind | Literal[""] = ""
    subject: Text200 = ""
    content: Text5000 = ""


class TicketIn(Schema):
    ticket_number: Key32
    kind: TicketKind
    opened_at: Moment
    sla_due_at: Moment
    category: Text64 = ""
    priority: TicketPriority = TicketPriority.NORMAL
    subject: Text200 = ""


class SurveyIn(Schema):
    survey: Name100
    responded_at: Moment
    csat: int | None = Field(None, ge=1, le=5)
    nps: int | None = Field(None, ge=0, le=10)
    comment: Text5000 = ""


class BillOut(Schema):
    id: int
    period: dt.date
    kwh: Decimal
    amount: Decimal
    issued_on: dt.date
    due_date: dt.date


class PaymentOut(Schema):
    id: int
    bill_id: int | None
    paid_on: dt.date
    amount: Decimal
    channel: str


class ConsumptionOut(Schema):
    id: int
    meter_id: int
    period: dt.date
    kwh_total: Decimal
    kwh_peak: Decimal
    kwh_flat: Decimal
    kwh_offpeak: Decimal


class InteractionOut(Schema):
    id: int
    channel: str
    activity: str
    direction: str
    subject: str
    content: str
    staff_id: int | None
    occurred_at: dt.datetime


class TicketOut(Schema):
    id: int
    ticket_number: str
    kind: str
    category: str
    priority: str
    status: str
    subject: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    sla_due_at: dt.datetime


class SurveyOut(Schema):
    id: int
    survey: str
    csat: int | None
    nps: int | None
    comment: str
    responded_at: dt.datetime


class BillPage(Schema):
    items: list[BillOut]
    next_cursor: str | None


class PaymentPage(Schema):
    items: list[PaymentOut]
    next_cursor: str | None


class ConsumptionPage(Schema):
    items: list[ConsumptionOut]
    next_cursor: str | None


class InteractionPage(Schema):
    items: list[InteractionOut]
    next_cursor: str | None


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class SurveyPage(Schema):
    items: list[SurveyOut]
    next_cursor: str | None


class BillItem(BillIn):
    type: Literal["bills"]
    customer_id: Id


class PaymentItem(PaymentIn):
    type: Literal["payments"]
    customer_id: Id


class ConsumptionItem(ConsumptionIn):
    type: Literal["consumption"]
    customer_id: Id


class InteractionItem(InteractionIn):
    type: Literal["interactions"]
    customer_id: Id


class TicketItem(TicketIn):
    type: Literal["tickets"]
    customer_id: Id


class SurveyItem(SurveyIn):
    type: Literal["surveys"]
    customer_id: Id


BulkItem = Annotated[
    BillItem | PaymentItem | ConsumptionItem | InteractionItem | TicketItem | SurveyItem,
    Field(discriminator="type"),
]


class BulkRequest(Schema):
    items: list[BulkItem] = Field(..., min_length=1, max_length=10_000)


class BulkResult(Schema):
    created: dict[str, int]
