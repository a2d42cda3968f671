"""Request and response shapes of the grade-scheme write endpoints.

A scheme is sent as its edit page has it: the scheme's own fields and its rows (tiers or levels with their
cut-offs, score parts, signals). Every field may be left out: it then keeps the value of the version in
force, so `{"tiers": [...]}` changes the tiers alone. A row set sent replaces that set whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from .errors import FieldError
from .grading_schemas import PreviewOut
from .types import Day, Name100, Text100, Text200, Text5000

MAX_ROWS = 100


class CutIn(Schema):
    label: Name100
    value: float = Field(
        ..., description="Quantiles: the tier's share of customers in %; else its least score."
    )


class PartIn(Schema):
    metric: Name100 = Field(..., description="A numeric metric (RFM: the three parts, in order).")
    weight: float
    lower_is_better: bool = False


class SignalIn(Schema):
    name: Name100
    condition: Text5000 = Field(..., description="As text, e.g. kwh_drop_complete >= 25.")
    points: float
    label_en: Text200 = ""
    label_zh: Text200 = ""


class SchemeIn(Schema):
    """The scheme as edited; fields of another kind of scheme are refused."""

    label_en: Text100 | None = None
    label_zh: Text100 | None = None
    bins: int | None = Field(
        None, ge=-1_000_000, le=1_000_000, description="value_score: rank bins, 2 to 100."
    )
    normalize: Text100 | None = Field(None, description="value_score (weighted): rank or minmax.")
    tiers_by: Text100 | None = Field(None, description="value_score: quantiles or thresholds.")
    parts: list[PartIn] | None = Field(
        None, max_length=MAX_ROWS, description="value_score: the score's parts."
    )
    tiers: list[CutIn] | None = Field(None, max_length=MAX_ROWS, description="value_score: best tier first.")
    signals: list[SignalIn] | None = Field(None, max_length=MAX_ROWS, description="churn_risk: the signals.")
    levels: list[CutIn] | None = Field(None, max_length=MAX_ROWS, description="churn_risk: highest first.")
    stages: list[Name100] | None = Field(None, max_length=MAX_ROWS, description="lifecycle: in order.")
    default: Text100 | None = Field(None, description="lifecycle: the stage when no rule matches.")


class SchemePreviewIn(SchemeIn):
    as_of: Day | None = Field(None, description="Evaluate as of this day (default today).")


class SchemeCheckOut(Schema):
    valid: bool
    definition: dict[str, Any] | None = Field(..., description="The scheme as it would be stored.")
    errors: list[FieldError] = Field(..., description="Field and row at fault, e.g. tiers.1.value.")


class SchemeDraftOut(Schema):
    id: int
    kind: str
    status: str = Field(..., description="running (the preview is computing), ready or failed")
    definition: dict[str, Any]
    created_at: dt.datetime
    preview: PreviewOut | None
    error: str
    published_at: dt.datetime | None
