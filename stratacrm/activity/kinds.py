"""The customer event kinds the API and the bulk loader know, in one table.

Each kind names its model, the field its timeline is ordered by, the fields shown, the builder shared by
its service and by bulk creation, and its audit action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from stratacrm.service import services as service_services
from stratacrm.service.models import SurveyResponse, Ticket

from . import services
from .models import Bill, Consumption, Interaction, Payment


@dataclass(frozen=True)
class EventKind:
    name: str
    model: type[models.Model]
    time_field: str
    fields: tuple[str, ...]
    build: Callable[..., models.Model]
    action: str


EVENT_KINDS: dict[str, EventKind] = {
    k.name: k
    for k in (
        EventKind(
            "bills",
            Bill,
            "period",
            ("id", "period", "kwh", "amount", "issued_on", "due_date"),
            services.bill_build,
            "bill.create",
        ),
        EventKind(
            "payments",
            Payment,
            "paid_on",
            ("id", "bill_id", "paid_on", "amount", "channel"),
            services.payment_build,
            "payment.create",
        ),
        EventKind(
            "consumption",
            Consumption,
            "period",
            ("id", "meter_id", "period", "kwh_total", "kwh_peak", "kwh_flat", "kwh_offpeak"),
            services.consumption_build,
            "consumption.record",
        ),
        EventKind(
            "interactions",
            Interaction,
            "occurred_at",
            ("id", "channel", "activity", "direction", "subject", "content", "staff_id", "occurred_at"),
            services.interaction_build,
            "interaction.log",
        ),
        EventKind(
            "tickets",
            Ticket,
            "opened_at",
            (
                "id",
                "ticket_number",
                "kind",
                "category",
                "priority",
                "status",
                "subject",
                "opened_at",
                "resolved_at",
                "sla_due_at",
            ),
            service_services.ticket_build,
            "ticket.open",
        ),
        EventKind(
            "surveys",
            SurveyResponse,
            "responded_at",
            ("id", "survey", "csat", "nps", "comment", "responded_at"),
            service_services.survey_response_build,
            "survey_response.record",
        ),
    )
}
