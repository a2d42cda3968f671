"""The interchange format between the workload generator, the loader and the Parquet snapshot.

One entry per table, in load order (parents before children). Plain Python and pyarrow only: the
generator and the analytics engines read this without Django. Ids in files are file-local integers;
the loader shifts them past the ids already in the database.

Money and kWh are float64 rounded to 2 decimals; dates are date32; times are UTC timestamps.
"""

from dataclasses import dataclass

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class TableSpec:
    name: str  # file stem: DIR/<name>.parquet or DIR/<name>.csv
    model: str  # "app_label.ModelName" the loader writes into
    schema: pa.Schema
    id_column: str | None = "id"  # None: the database assigns ids
    references: tuple[tuple[str, str], ...] = ()  # (column, parent table name)


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([pa.field(name, dtype) for name, dtype in fields])


STAFF = TableSpec(
    "staff",
    "accounts.User",
    _schema(
        ("username", pa.string()),
        ("first_name", pa.string()),
        ("last_name", pa.string()),
        ("team", pa.string()),
        ("region", pa.string()),
    ),
    id_column=None,
)

CUSTOMERS = TableSpec(
    "customers",
    "customers.Customer",
    _schema(
        ("id", pa.int64()),
        ("account_number", pa.string()),
        ("name", pa.string()),
        ("customer_type", pa.string()),
        ("industry", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("district", pa.string()),
        ("size", pa.string()),
        ("company", pa.string()),
        ("id_number", pa.string()),
        ("phone", pa.string()),
        ("email", pa.string()),
        ("address", pa.string()),
        ("preferred_channel", pa.string()),
        ("status", pa.string()),
        ("credit_grade", pa.string()),
        ("important_grade", pa.string()),
        ("owner", pa.string()),  # staff username, or null
        ("source_channel", pa.string()),
        ("contact_form_filled", pa.bool_()),
        ("created_at", TS),
        ("updated_at", TS),
    ),
)

METERS = TableSpec(
    "meters",
    "customers.UtilityAccount",
    _schema(
        ("id", pa.int64()),
        ("customer_id", pa.int64()),
        ("meter_number", pa.string()),
        ("tariff_category", pa.string()),
        ("voltage_level", pa.string()),
        ("contracted_capacity_kva", pa.float64()),
        ("billing_scheme", pa.string()),
        ("time_of_use", pa.bool_()),
        ("opened_on", pa.date32()),
        ("closed_on", pa.date32()),
    ),
    references=(("customer_id", "customers"),),
)

CONSUMPTION = TableSpec(
    "consumption",
    "activity.Consumption",
    _schema(
        ("customer_id", pa.int64()),
        ("meter_id", pa.int64()),
        ("period", pa.date32()),
        ("kwh_total", pa.float64()),
        ("kwh_peak", pa.float64()),
        ("kwh_flat", pa.float64()),
        ("kwh_offpeak", pa.float64()),
    ),
    id_column=None,
    references=(("customer_id", "customers"), ("meter_id", "meters")),
)

BILLS = TableSpec(
    "bills",
    "activity.Bill",
    _schema(
        ("id", pa.int64()),
        ("customer_id", pa.int64()),
        ("period", pa.date32()),
        ("kwh", pa.float64()),
        ("amount", pa.float64()),
        ("issued_on", pa.date32()),
        ("due_date", pa.date32()),
    ),
    references=(("customer_id", "customers"),),
)

PAYMENTS = TableSpec(
    "payments",
    "activity.Payment",
    _schema(
        ("customer_id", pa.int64()),
        ("bill_id", pa.int64()),
        ("paid_on", pa.date32()),
        ("amount", pa.float64()),
        ("channel", pa.string()),
    ),
    id_column=None,
    references=(("customer_id", "customers"), ("bill_id", "bills")),
)

TRANSACTIONS = TableSpec(
    "transactions",
    "activity.Transaction",
    _schema(
        ("customer_id", pa.int64()),
        ("product", pa.string()),
        ("quantity", pa.float64()),
        ("amount", pa.float64()),
        ("occurred_at", TS),
    ),
    id_column=None,
    references=(("customer_id", "customers"),),
)

INTERACTIONS = TableSpec(
    "interactions",
    "activity.Interaction",
    _schema(
        ("customer_id", pa.int64()),
        ("channel", pa.string()),
        ("activity", pa.string()),
        ("direction", pa.string()),
        ("subject", pa.string()),
        ("content", pa.string()),
        ("occurred_at", TS),
    ),
    id_column=None,
    references=(("customer_id", "customers"),),
)

TICKETS = TableSpec(
    "tickets",
    "service.Ticket",
    _schema(
        ("customer_id", pa.int64()),
        ("ticket_number", pa.string()),
        ("kind", pa.string()),
        ("category", pa.string()),
        ("priority", pa.string()),
        ("status", pa.string()),
        ("subject", pa.string()),
        ("opened_at", TS),
        ("resolved_at", TS),
        ("sla_due_at", TS),
    ),
    id_column=None,
    references=(("customer_id", "customers"),),
)

SURVEY_RESPONSES = TableSpec(
    "survey_responses",
    "service.SurveyResponse",
    _schema(
        ("customer_id", pa.int64()),
        ("survey", pa.string()),
        ("csat", pa.int16()),
        ("nps", pa.int16()),
        ("comment", pa.string()),
        ("responded_at", TS),
    ),
    id_column=None,
    references=(("customer_id", "customers"),),
)

TABLES: tuple[TableSpec, ...] = (
    STAFF,
    CUSTOMERS,
    METERS,
    CONSUMPTION,
    BILLS,
    PAYMENTS,
    TRANSACTIONS,
    INTERACTIONS,
    TICKETS,
    SURVEY_RESPONSES,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}
