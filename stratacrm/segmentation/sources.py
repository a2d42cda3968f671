"""The event sources metrics aggregate, their columns, and the tables they live in.

A source is named once (`bills`) and found under a physical table name that depends on where the plan
runs: Django's `<app_label>_<model>` tables in the operational database (`OPERATIONAL_TABLES`) or the
snapshot's file stems over Parquet (`SNAPSHOT_TABLES`, see `stratacrm.ingest.tables`). Column names are
the same in both.

>>> SOURCES["bills"].time_column, OPERATIONAL_TABLES["bills"], SNAPSHOT_TABLES["bills"]
('period', 'activity_bill', 'bills')
>>> sorted(SOURCES["payments"].fields)[:3]
['amount', 'bill_id', 'channel']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .fields import Field, Kind

CUSTOMERS = "customers"
EVENT_SOURCES = (
    "consumption",
    "bills",
    "payments",
    "transactions",
    "interactions",
    "tickets",
    "survey_responses",
)
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


@dataclass(frozen=True)
class Source:
    """A table of customer events: every row has `customer_id` and a time column.

    `computed` columns are not stored but derived per row (payments' `days_late` joins the paid bill).
    """

    name: str
    time_column: str
    fields: Mapping[str, Field]
    computed: frozenset[str] = field(default=frozenset())

    def time_kind(self, column: str | None = None) -> Kind:
        return self.fields[column or self.time_column].kind


def _source(
    name: str, time_column: str, *columns: tuple[str, Kind, bool], computed: tuple[str, ...] = ()
) -> Source:
    fields = {n: Field(n, kind, nullable=nullable) for n, kind, nullable in columns}
    return Source(name, time_column, MappingProxyType(fields), frozenset(computed))


_NOT_NULL, _NULL = False, True
SOURCES: Mapping[str, Source] = MappingProxyType(
    {
        "consumption": _source(
            "consumption",
            "period",
            ("period", "date", _NOT_NULL),
            ("meter_id", "integer", _NOT_NULL),
            ("kwh_total", "number", _NOT_NULL),
            ("kwh_peak", "number", _NOT_NULL),
            ("kwh_flat", "number", _NOT_NULL),
            ("kwh_offpeak", "number", _NOT_NULL),
        ),
        "bills": _source(
            "bills",
            "period",
            ("period", "date", _NOT_NULL),
            ("kwh", "number", _NOT_NULL),
            ("amount", "number", _NOT_NULL),
            ("issued_on", "date", _NOT_NULL),
            ("due_date", "date", _NOT_NULL),
        ),
        "payments": _source(
            "payments",
            "paid_on",
            ("paid_on", "date", _NOT_NULL),
            ("amount", "number", _NOT_NULL),
            ("channel", "text", _NULL),
            ("bill_id", "integer", _NULL),
            ("days_late", "integer", _NULL),
            computed=("days_late",),
        ),
        "transactions": _source(
            "transactions",
            "occurred_at",
            ("occurred_at", "datetime", _NOT_NULL),
            ("product", "text", _NULL),
            ("quantity", "number", _NOT_NULL),
            ("amount", "number", _NOT_NULL),
        ),
        "interactions": _source(
            "interactions",
            "occurred_at",
            ("occurred_at", "datetime", _NOT_NULL),
            ("channel", "text", _NULL),
            ("activity", "text", _NULL),
            ("direction", "text", _NULL),
            ("subject", "text", _NULL),
        ),
        "tickets": _source(
            "tickets",
            "opened_at",
            ("opened_at", "datetime", _NOT_NULL),
            ("resolved_at", "datetime", _NULL),
            ("sla_due_at", "datetime", _NOT_NULL),
            ("kind", "text", _NULL),
            ("category", "text", _NULL),
            ("priority", "text", _NULL),
            ("status", "text", _NULL),
            ("subject", "text", _NULL),
        ),
        "survey_responses": _source(
            "survey_responses",
            "responded_at",
            ("responded_at", "datetime", _NOT_NULL),
            ("survey", "text", _NULL),
            ("csat", "integer", _NULL),
            ("nps", "integer", _NULL),
        ),
    }
)

# The customer's own columns that the plan reads besides the attributes.
CUSTOMER_ID, CUSTOMER_CREATED = "id", "created_at"

OPERATIONAL_TABLES: Mapping[str, str] = MappingProxyType(
    {
        CUSTOMERS: "customers_customer",
        "consumption": "activity_consumption",
        "bills": "activity_bill",
        "payments": "activity_payment",
        "transactions": "activity_transaction",
        "interactions": "activity_interaction",
        "tickets": "service_ticket",
        "survey_responses": "service_surveyresponse",
    }
)
SNAPSHOT_TABLES: Mapping[str, str] = MappingProxyType({name: name for name in (CUSTOMERS, *EVENT_SOURCES)})


def check_tables(tables: Mapping[str, str], *, needed: frozenset[str]) -> None:
    """Raise ValueError unless every needed source has a plain (optionally schema-qualified) table name."""
    missing = sorted(needed - set(tables))
    if missing:
        raise ValueError(f"no table given for source {missing[0]!r}")
    for source in needed:
        if not _TABLE_NAME.fullmatch(tables[source]):
            raise ValueError(f"{tables[source]!r} is not a table name")
