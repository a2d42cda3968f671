"""Bulk creation's Python evaluation of CHECK constraints agrees with the database's, row by row."""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from stratacrm.activity.bulk_checks import check_constraints_violated, condition_holds
from stratacrm.activity.models import Bill, Consumption, Interaction, Payment
from stratacrm.service.models import SurveyResponse, Ticket

pytestmark = pytest.mark.django_db


def _row(model: type[models.Model], **values: Any) -> models.Model:
    """A row holding values the field types refuse (NULL where the column is NOT NULL)."""
    return model(**values)


D, T = dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)
ROWS: list[models.Model] = [
    Bill(period=D, amount=Decimal("1"), issued_on=D, due_date=D),
    Bill(period=D.replace(day=2), amount=Decimal("-0.01"), issued_on=D, due_date=D - dt.timedelta(days=1)),
    _row(Bill, period=D, amount=Decimal("0"), issued_on=D, due_date=None),
    Payment(paid_on=D, amount=Decimal("0")),
    Payment(paid_on=D, amount=Decimal("0.01")),
    *(
        Consumption(
            period=D,
            kwh_total=Decimal(total),
            kwh_peak=Decimal(peak),
            kwh_flat=Decimal("2"),
            kwh_offpeak=Decimal("3"),
        )
        for total, peak in [
            ("6", "1"),
            ("6.05", "1"),
            ("6.06", "1"),
            ("5.95", "1"),
            ("5.94", "1"),
            ("4", "-1"),
        ]
    ),
    _row(
        Consumption,
        period=D.replace(day=15),
        kwh_total=None,
        kwh_peak=Decimal("1"),
        kwh_flat=None,
        kwh_offpeak=None,
    ),
    Interaction(channel="phone", direction="inbound", occurred_at=T),
    Interaction(channel="fax", direction="sideways", occurred_at=T),
    Ticket(kind="complaint", status="open", opened_at=T, sla_due_at=T),
    Ticket(kind="nonsense", status="closed", opened_at=T, sla_due_at=T - dt.timedelta(seconds=1)),
    Ticket(
        kind="repair", status="resolved", opened_at=T, sla_due_at=T, resolved_at=T - dt.timedelta(hours=1)
    ),
    Ticket(kind="repair", status="resolved", opened_at=T, sla_due_at=T, resolved_at=T),
    SurveyResponse(survey="s", responded_at=T),
    SurveyResponse(survey="s", responded_at=T, csat=0, nps=11),
    SurveyResponse(survey="s", responded_at=T, csat=5, nps=0),
    SurveyResponse(survey="s", responded_at=T, nps=10),
]


def _violated_in_the_database(row: models.Model) -> set[str]:
    failed = set()
    for constraint in row._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            try:
                cast(Any, constraint).validate(type(row), row)
            except ValidationError:
                failed.add(constraint.name)
    return failed


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{type(r).__name__}")
def test_python_evaluation_agrees_with_the_database(row):
    values = {f.name: getattr(row, f.attname) for f in row._meta.concrete_fields}
    for constraint in row._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            condition_holds(Q(constraint.condition), values)  # raises if it would fall back to a query
    assert set(check_constraints_violated(row)) == _violated_in_the_database(row)


def test_the_rows_cover_passing_and_failing_constraints():
    failed = {name for row in ROWS for name in check_constraints_violated(row)}
    every = {c.name for row in ROWS for c in row._meta.constraints if isinstance(c, models.CheckConstraint)}
    assert failed == every
