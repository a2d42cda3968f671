"""The customer 360 view: one customer in the reader's scope, masked, with its grades and history.

A fixed number of queries whatever the customer's history holds: every list is a bounded slice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet, Sum

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import load_policy
from stratacrm.activity.kinds import EVENT_KINDS
from stratacrm.activity.models import Bill, Consumption, Interaction, Payment
from stratacrm.activity.selectors import METER_FIELDS, event_present
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.customers.selectors import PROFILE_FIELDS, customer_present, customer_scope
from stratacrm.segmentation.models import AssignmentChange
from stratacrm.service.models import SurveyResponse, Ticket

from .explained import GradeCard, grade_cards
from .grades import Grades

MONTHS = 24
HISTORY = 40
RECENT = {"bills": 12, "payments": 12, "interactions": 15, "tickets": 15, "surveys": 10}
MASKABLE = ("phone", "email", "address", "id_number")


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    dimension: str
    before: str
    after: str
    source: str
    rule: str
    event: str


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    profile: dict[str, Any]
    masked: tuple[str, ...]
    meters: list[dict[str, Any]]
    cards: list[GradeCard]
    history: list[HistoryItem]
    consumption: list[dict[str, Any]]
    events: dict[str, list[dict[str, Any]]]


def customer_by_number(*, user: User, account_number: str) -> Customer:
    """A customer of the user's scope by account number; Customer.DoesNotExist otherwise (a 404)."""
    return customer_scope(user=user).select_related("owner").get(account_number=account_number)


def masked_fields(*, user: User) -> tuple[str, ...]:
    """The contact fields shown masked to `user` (what an unmask would reveal)."""
    policy = load_policy()
    return tuple(f for f in MASKABLE if policy.field_view(user.role, f) != "clear")


def customer_view(*, user: User, account_number: str, grades: Grades) -> CustomerView:
    """Everything on the 360 page; Customer.DoesNotExist outside the user's scope."""
    customer = customer_by_number(user=user, account_number=account_number)
    return CustomerView(
        customer=customer,
        profile=customer_present(customer, user=user, fields=PROFILE_FIELDS),
        masked=masked_fields(user=user),
        meters=[
            _with_labels(m, {f: getattr(m, f) for f in METER_FIELDS})
            for m in UtilityAccount.objects.filter(customer=customer).order_by("meter_number")
        ],
        cards=grade_cards(customer=customer, grades=grades),
        history=grade_history(customer=customer, grades=grades),
        consumption=consumption_by_month(customer=customer),
        events=recent_events(user=user, customer=customer),
    )


def grade_history(*, customer: Customer, grades: Grades, limit: int = HISTORY) -> list[HistoryItem]:
    """The customer's latest grade changes, newest first, labelled."""
    changes = AssignmentChange.objects.filter(customer=customer).order_by("-changed_at", "-id")[:limit]
    items = []
    for change in changes:
        dimension = grades.get(change.dimension)
        label_of = dimension.label_of if dimension is not None else str
        items.append(
            HistoryItem(
                change.changed_at,
                dimension.label if dimension is not None else change.dimension,
                label_of(change.from_value) if change.from_value else "",
                label_of(change.to_value) if change.to_value else "",
                change.get_source_display(),
                f"{change.rule_name} v{change.rule_version}" if change.rule_name else "",
                change.event,
            )
        )
    return items


def consumption_by_month(*, customer: Customer, months: int = MONTHS) -> list[dict[str, Any]]:
    """kWh per month (meters summed) split into peak, flat and off-peak: the `months` up to the
    customer's latest reading, oldest first."""
    readings = Consumption.objects.filter(customer=customer)
    last = readings.order_by("-period").values_list("period", flat=True).first()
    if last is None:
        return []
    window = readings.filter(period__gte=_months_before(last, months - 1)).values("period")
    sums = window.annotate(peak=Sum("kwh_peak"), flat=Sum("kwh_flat"), offpeak=Sum("kwh_offpeak"))
    return list(sums.order_by("period"))


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _latest(model: type[Model], customer: Customer, order: str, limit: int) -> QuerySet[Any]:
    return model._default_manager.filter(customer=customer).order_by(f"-{order}", "-id")[:limit]


def recent_events(*, user: User, customer: Customer) -> dict[str, list[dict[str, Any]]]:
    """The latest bills, payments (with days late), interactions, tickets and survey responses."""
    events: dict[str, list[dict[str, Any]]] = {}
    sources: dict[str, tuple[type[Model], str]] = {
        "bills": (Bill, "period"),
        "interactions": (Interaction, "occurred_at"),
        "tickets": (Ticket, "opened_at"),
        "surveys": (SurveyResponse, "responded_at"),
    }
    for name, (model, order) in sources.items():
        kind = EVENT_KINDS[name]
        events[name] = [
            _with_labels(event, event_present(event, kind=kind, user=user))
            for event in _latest(model, customer, order, RECENT[name])
        ]
    payments = _latest(Payment, customer, "paid_on", RECENT["payments"]).select_related("bill")
    events["payments"] = [
        {
            **_with_labels(p, event_present(p, kind=EVENT_KINDS["payments"], user=user)),
            "days_late": (p.paid_on - p.bill.due_date).days if p.bill is not None else None,
        }
        for p in payments
    ]
    return events


def _with_labels(event: Model, values: dict[str, Any]) -> dict[str, Any]:
    """Add `<field>_label` for every field with choices (channel, kind, status…)."""
    for model_field in event._meta.concrete_fields:
        if model_field.choices and model_field.attname in values:
            values[f"{model_field.attname}_label"] = getattr(event, f"get_{model_field.attname}_display")()
    return values
