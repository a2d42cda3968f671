"""Grading runs: compute a definition's results on an engine, stage them, publish what changed.

`grading_run` is the batch (every customer, recorded as a GradingRun); `live.customers_regrade` uses
the same staging and publishing for a few customers inside an event's transaction.
"""

from .batch import grading_run, today
from .definition import Definition, NoDefinition, RuleRefLike, definition_active, definition_use
from .lock import RunInProgress

__all__ = [
    "Definition",
    "NoDefinition",
    "RuleRefLike",
    "RunInProgress",
    "definition_active",
    "definition_use",
    "grading_run",
    "today",
]
