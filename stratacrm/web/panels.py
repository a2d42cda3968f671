"""The dashboard's panels: the selectors' figures turned into charts with titles in the user's language.

The four count charts come with the page (one grouped query); migration, risk trend, consumption and
service trend are panels loaded by the page after it shows, so a large utility's dashboard appears at
once and fills in.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from stratacrm.accounts.models import User
from stratacrm.customers.selectors import customer_overview
from stratacrm.segmentation.ruleset.schemes import CHURN_RISK, LIFECYCLE, VALUE_TIER

from . import charts
from .selectors import dashboard
from .selectors.grades import Grades

PANELS = ("migration", "trend", "consumption", "service")
COUNT_PARAMS = {VALUE_TIER: "tier", LIFECYCLE: "stage", CHURN_RISK: "risk"}


def dashboard_context(*, user: User, grades: Grades) -> dict[str, Any]:
    """The page: totals by customer type, and customers per class, tier, stage and churn risk."""
    overview = customer_overview(user=user)
    klass = grades.class_dimension
    names = tuple(n for n in ((klass.name,) if klass else ()) + (VALUE_TIER, LIFECYCLE, CHURN_RISK))
    counts = dashboard.grade_counts(user=user, grades=grades, names=names)
    cards = []
    for name, values in counts.items():
        dimension = grades.get(name)
        assert dimension is not None
        param = COUNT_PARAMS.get(name, "seg")
        by_value = [
            dashboard.ValueCount(f"{name}:{v.value}" if param == "seg" else v.value, v.label, v.count)
            for v in values
        ]
        colours = [charts.value_colour(dimension, v.value) for v in values]
        title = _("Customers by %(dimension)s") % {"dimension": dimension.label}
        figure = charts.bars(title, by_value, param=param, axis=dimension.label, colours=colours)
        cards.append({"name": name, "title": title, "figure": figure, "counts": by_value, "param": param})
    risk = {c.value: c.count for c in counts.get(CHURN_RISK, [])}
    return {
        "overview": overview,
        "cards": cards,
        "high_risk": risk.get("high"),
        "has_grades": bool(grades.dimensions),
        "panels": PANELS if grades.dimensions else ("service",),
    }


def panel_context(*, user: User, grades: Grades, panel: str, dimension: str = "") -> dict[str, Any]:
    """One of the lazily loaded panels (a KeyError for an unknown one)."""
    return {
        "migration": _migration,
        "trend": _trend,
        "consumption": _consumption,
        "service": _service,
    }[panel](user, grades, dimension)


def _migration(user: User, grades: Grades, name: str) -> dict[str, Any]:
    choices = [d for d in grades.dimensions if d.mode == "exclusive"]
    chosen = grades.get(name) or grades.get(VALUE_TIER) or (choices[0] if choices else None)
    migration = dashboard.grade_migration(user=user, dimension=chosen)
    label = chosen.label if chosen is not None else ""
    run = migration.run.pk if migration.run is not None else ""
    title = _("Grade migration: %(dimension)s, run #%(run)s") % {"dimension": label, "run": run}
    return {
        "panel": "migration",
        "title": title,
        "choices": choices,
        "chosen": chosen,
        "migration": migration,
        "moved": sum(m[2] for m in migration.moves if m[0] != m[1]),
        "figure": charts.sankey(migration, title=title) if migration.moves else None,
    }


def _trend(user: User, grades: Grades, name: str) -> dict[str, Any]:
    trend = dashboard.risk_trend(user=user, grades=grades)
    dimension = grades.get(CHURN_RISK)
    title = _("Customers at risk of churn after each grading run")
    figure = None
    if trend.runs and dimension is not None:
        figure = charts.trend(trend, title=title, label_of=dimension.label_of)
    return {"panel": "trend", "title": title, "figure": figure, "trend": trend}


def _consumption(user: User, grades: Grades, name: str) -> dict[str, Any]:
    dimension = grades.class_dimension
    series = dashboard.consumption_by_segment(user=user, dimension=dimension)
    label = dimension.label if dimension is not None else ""
    title = _("Consumption by %(dimension)s over 24 months") % {"dimension": label}
    figure = None
    if series and dimension is not None:
        label_of = dimension.label_of
        figure = charts.consumption(
            {f"{dimension.name}:{v}": months for v, months in series.items()},
            title=title,
            param="seg",
            label_of=lambda key: label_of(key.partition(":")[2]),
        )
    return {"panel": "consumption", "title": title, "figure": figure}


def _service(user: User, grades: Grades, name: str) -> dict[str, Any]:
    months = dashboard.service_trend(user=user)
    title = _("Complaints and satisfaction by month")
    figure = charts.service(months, title=title) if months else None
    return {"panel": "service", "title": title, "figure": figure, "months": months}
