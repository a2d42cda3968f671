"""What an import can write: each target table, its natural key, and the fields a profile may map.

Field names and types come from the Django models, so a new model field becomes mappable without a
change here. `customer` (by account number), `meter` (by meter number) and `owner` (by username) are
references resolved to ids; every other mappable field is a concrete model field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pyarrow as pa
from django.db import models

from stratacrm.activity.models import Bill, Consumption, Interaction, Payment, Transaction
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.service.models import SurveyResponse, Ticket

TS = pa.timestamp("us", tz="UTC")
# Set by the import itself, never by a file.
NOT_MAPPABLE = {"id", "version", "updated_at", "customer", "meter", "staff", "bill", "owner"}
REFERENCES = {"customer": "account number", "meter": "meter number", "owner": "username"}


@dataclass(frozen=True)
class ImportTarget:
    """One table an import writes: `key` is its natural key (field names; () means a content hash)."""

    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    references: tuple[str, ...]

    @cached_property
    def model_fields(self) -> dict[str, models.Field]:
        return {
            f.name: f
            for f in self.model._meta.concrete_fields
            if f.name not in NOT_MAPPABLE and isinstance(f, models.Field)
        }

    @property
    def mappable(self) -> tuple[str, ...]:
        return (*self.references, *self.model_fields)

    @cached_property
    def required(self) -> tuple[str, ...]:
        """Fields a profile must map: non-null, no default, not blank-able (created_at has a default)."""
        needed = [r for r in self.references if r != "owner"]
        for name, field in self.model_fields.items():
            if name == "created_at":
                continue
            if field.null or field.has_default() or (field.blank and _is_text(field)):
                continue
            needed.append(name)
        return tuple(needed)

    def arrow_type(self, name: str) -> pa.DataType:
        """The Arrow type a mapped field's values are converted to."""
        if name in REFERENCES:
            return pa.string()
        return arrow_type(self.model_fields[name])


def _is_text(field: models.Field) -> bool:
    return isinstance(field, (models.CharField, models.TextField))


def arrow_type(field: models.Field) -> pa.DataType:
    if isinstance(field, models.DateTimeField):
        return TS
    if isinstance(field, models.DateField):
        return pa.date32()
    if isinstance(field, models.DecimalField):
        return pa.float64()
    if isinstance(field, models.BooleanField):
        return pa.bool_()
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return pa.int64()
    if isinstance(field, models.FloatField):
        return pa.float64()
    return pa.string()


TARGETS: dict[str, ImportTarget] = {
    t.name: t
    for t in (
        ImportTarget("customers", Customer, ("account_number",), ("owner",)),
        ImportTarget("meters", UtilityAccount, ("meter_number",), ("customer",)),
        ImportTarget("bills", Bill, ("customer", "period"), ("customer",)),
        ImportTarget("consumption", Consumption, ("meter", "period"), ("meter",)),
        ImportTarget("payments", Payment, (), ("customer",)),
        ImportTarget("transactions", Transaction, (), ("customer",)),
        ImportTarget("interactions", Interaction, (), ("customer",)),
        ImportTarget("tickets", Ticket, ("ticket_number",), ("customer",)),
        ImportTarget("surveys", SurveyResponse, (), ("customer",)),
    )
}
