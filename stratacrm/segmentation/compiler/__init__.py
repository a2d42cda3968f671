"""The segmentation compiler: metrics, conditions and dimensions to one sqlglot plan for any engine.

>>> import datetime as dt
>>> from ..library import BUILTIN_CATALOG
>>> from ..sources import OPERATIONAL_TABLES
>>> from ..text import parse
>>> rule = parse("interactions_30d > 5", fields=BUILTIN_CATALOG.fields)
>>> plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=[], where=rule)
>>> query = plan.render(dialect="sqlite", tables=OPERATIONAL_TABLES, as_of=dt.date(2025, 6, 30))
>>> query.params
{'since_30_days_ts': '2025-06-01 00:00:00', 'as_of_end_ts': '2025-07-01 00:00:00', 'v1': 5}
"""

from .dimensions import Branch, Dimension, Output
from .params import DIALECTS, SESSION_SETUP, Dialect
from .plan import Plan, Query, compile_plan, render_condition

__all__ = [
    "DIALECTS",
    "SESSION_SETUP",
    "Branch",
    "Dialect",
    "Dimension",
    "Output",
    "Plan",
    "Query",
    "compile_plan",
    "render_condition",
]
