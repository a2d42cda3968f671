"""Request and response shapes of the customer endpoints. Masked values are plain strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from stratacrm.customers.choices import (
    Channel,
    CreditGrade,
    CustomerSize,
    CustomerStatus,
    CustomerType,
    ImportantUserGrade,
    SourceChannel,
)

from .types import Id, Key32, Name200, Text32, Text64, Text100, Text200, Text254, Text300

SensitiveField = Literal["phone", "email", "address", "id_number"]


class Owner(Schema):
    id: int
    username: str


class CustomerSummary(Schema):
    id: int
    account_number: str
    name: str
    customer_type: str
    status: str
    industry: str
    province: str
    city: str
    district: str
    phone: str
    email: str
    version: int
    updated_at: dt.datetime
    owner: Owner | None
    tags: list[str]


class CustomerProfile(CustomerSummary):
    size: str
    company: str
    id_number: str
    address: str
    preferred_channel: str
    credit_grade: str
    important_grade: str
    source_channel: str
    contact_form_filled: bool
    created_at: dt.datetime


class CustomerPage(Schema):
    items: list[CustomerSummary]
    next_cursor: str | None


class CustomerFilterQuery(Schema):
    customer_type: CustomerType | None = None
    status: CustomerStatus | None = None
    region: Text32 = Field("", description="Province.")
    city: Text32 = ""
    owner: Id | None = Field(None, description="Owner's user id.")
    tag: Text64 = ""
    q: Text100 = Field(
        "", description="Account number prefix, part of the name, or (unmask roles) 7+ leading phone digits."
    )
    group: Text100 = Field("", description="Holds this group or tag (`value`, or `dimension:value`).")
    tier: Text100 = Field("", description="Value tier, e.g. A.")
    lifecycle: Text100 = Field("", description="Lifecycle stage, e.g. at_risk.")
    churn_risk: Text100 = Field("", description="Churn risk level, e.g. high.")


class Meter(Schema):
    id: int
    meter_number: str
    tariff_category: str
    voltage_level: str
    contracted_capacity_kva: Decimal
    billing_scheme: str
    time_of_use: bool
    opened_on: dt.date
    closed_on: dt.date | None


class Customer360(Schema):
    profile: CustomerProfile
    meters: list[Meter]
    recent_events: dict[str, list[dict[str, Any]]]
    counts: dict[str, int]


class CustomerFields(Schema):
    """Fields a client may set; all optional on update."""

    industry: Text64 = ""
    province: Text32 = ""
    city: Text32 = ""
    district: Text32 = ""
    size: CustomerSize | Literal[""] = ""
    company: Text200 = ""
    id_number: Text32 = ""
    phone: Text32 = ""
    email: Text254 = ""
    address: Text300 = ""
    preferred_channel: Channel | Literal[""] = ""
    status: CustomerStatus = CustomerStatus.ACTIVE
    credit_grade: CreditGrade | Literal[""] = ""
    important_grade: ImportantUserGrade = ImportantUserGrade.NONE
    source_channel: SourceChannel | Literal[""] = ""
    contact_form_filled: bool = False
    tags: list[Text64] = Field([], max_length=50)


class CustomerCreate(CustomerFields):
    account_number: Key32
    name: Name200
    customer_type: CustomerType
    owner_id: Id | None = None


class CustomerUpdate(CustomerFields):
    version: int = Field(..., ge=1, le=2**31, description="The version the client read; stale gets 409.")
    name: Name200 = ""
    customer_type: CustomerType = CustomerType.RESIDENTIAL
    owner_id: Id | None = None


class UnmaskRequest(Schema):
    fields: list[SensitiveField] = Field(..., min_length=1, max_length=4)


class UnmaskResult(Schema):
    customer_id: int
    values: dict[str, str]
