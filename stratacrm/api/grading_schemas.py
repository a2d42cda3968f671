"""Request and response shapes of the rule, scheme, run and grade endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from .types import Day, Name100, Text64, Text5000

Engine = Literal["sqlite", "postgres", "duckdb", "spark"]
MAX_PRIORITY = 1_000_000


class RuleIn(Schema):
    """A rule as written: an existing (dimension, name) gets a new version, another name is a new rule."""

    dimension: Text64 = Field(..., min_length=1)
    name: Name100
    value: Name100 = Field(..., description="The group, tag, tier or stage the rule gives.")
    priority: int = Field(0, ge=-MAX_PRIORITY, le=MAX_PRIORITY, description="Exclusive dimensions: unique.")
    enabled: bool = True
    condition: Text5000 | None = Field(None, description="The condition as text, e.g. complaints_12m >= 2.")
    condition_tree: dict[str, Any] | None = Field(None, description="Or as the rule builder's JSON tree.")


class PreviewIn(RuleIn):
    as_of: Day | None = Field(None, description="Evaluate as of this day (default today).")


class RuleProblemOut(Schema):
    field: str
    message: str
    position: int | None = Field(None, description="Character of the condition text at fault, from 1.")
    suggestion: str | None = None


class RuleCheckOut(Schema):
    valid: bool
    new_rule: bool
    condition: str | None
    condition_tree: dict[str, Any] | None
    errors: list[RuleProblemOut]


class MoveOut(Schema):
    dimension: str
    from_value: str = Field(..., description="'' = the customer had no value")
    to_value: str = Field(..., description="'' = the customer loses its value")
    customers: int
    examples: list[str] = Field(..., description="Account numbers, only of customers you may open.")


class PreviewOut(Schema):
    customers: int
    as_of: str | None
    engine: str
    moves: list[MoveOut]


class UserRef(Schema):
    id: int
    username: str


class RuleVersionOut(Schema):
    version: int
    is_current: bool
    value: str
    priority: int
    enabled: bool
    condition: str
    condition_tree: dict[str, Any]
    created_at: dt.datetime
    created_by: UserRef | None


class RuleSummary(Schema):
    dimension: str
    name: str
    current_version: int | None = Field(..., description="None: the rule was retired.")
    value: str
    priority: int
    enabled: bool
    condition: str
    versions: list[int]


class RuleList(Schema):
    items: list[RuleSummary]


class RuleDetail(Schema):
    dimension: str
    name: str
    mode: str
    versions: list[RuleVersionOut]


class DraftOut(Schema):
    id: int
    dimension: str
    name: str
    status: str = Field(..., description="running (the preview is computing), ready or failed")
    value: str
    priority: int
    enabled: bool
    condition: str
    created_at: dt.datetime
    preview: PreviewOut | None
    error: str
    published_at: dt.datetime | None


class SchemeVersionOut(Schema):
    version: int
    is_current: bool
    definition: dict[str, Any]
    created_at: dt.datetime
    created_by: UserRef | None


class SchemeSummary(Schema):
    kind: str
    current_version: int | None
    versions: list[int]


class SchemeList(Schema):
    items: list[SchemeSummary]


class SchemeDetail(Schema):
    kind: str
    versions: list[SchemeVersionOut]


class RunIn(Schema):
    engine: Engine | None = Field(None, description="Default: the server's (see the operator guide).")
    as_of: Day | None = Field(None, description="Grade as of this day (default today).")
    dry_run: bool = Field(False, description="Count what would move, change no assignment.")


class ProgressOut(Schema):
    phase: str = Field(..., description="starting, compute, stage, publish, done, failed or running")
    step: int
    steps: int


class RunOut(Schema):
    id: int
    status: str
    progress: ProgressOut
    started_by: UserRef | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    duration_seconds: float | None
    as_of: dt.date
    engine: str
    dry_run: bool
    customers_graded: int
    changed_total: int
    changes: dict[str, int] = Field(..., description="Assignments changed by dimension.")
    definitions: dict[str, Any] = Field(..., description="The rule, metric and scheme versions used.")
    error: str


class RunPage(Schema):
    items: list[RunOut]
    next_cursor: str | None


class PublishOut(Schema):
    changes: list[str]
    run: RunOut | None = Field(..., description="The grading run publishing started (None: not yet seen).")
