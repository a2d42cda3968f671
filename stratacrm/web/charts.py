"""Plotly figures as plain data, built from the selectors' figures and drawn by `charts.js`.

Every point or link carries the customer-list URL of what it summarises in `customdata`, so a click
opens those customers. Titles, axis names and legends are in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from .labels import value_label
from .selectors.dashboard import Migration, ServiceMonth, Trend, ValueCount
from .selectors.grades import GradeDimension

Figure = dict[str, Any]
FONT = 'system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'
PALETTE = ("#1f5f99", "#2a9d8f", "#e9a23b", "#8e5ea2", "#d1495b", "#5c946e", "#3d5a80", "#b56576")
LEVEL_COLOURS = {"high": "#c0392b", "medium": "#e9a23b", "low": "#2a9d8f"}
TIER_COLOURS = {"S": "#1e7b4f", "A": "#2a9d8f", "B": "#1f5f99", "C": "#e9a23b", "D": "#d1495b"}
NONE_COLOUR = "#9aa5b1"


def value_colour(dimension: GradeDimension | None, value: str) -> str:
    """One colour per value of a dimension, the same in every chart (tiers and risk levels by meaning)."""
    if not value:
        return NONE_COLOUR
    known = {**TIER_COLOURS, **LEVEL_COLOURS}
    if dimension is not None and dimension.name in ("value_tier", "churn_risk") and value in known:
        return known[value]
    values = [v.value for v in dimension.values] if dimension is not None else []
    index = values.index(value) if value in values else sum(map(ord, value))
    return PALETTE[index % len(PALETTE)]


PEAK_COLOURS = ("#d1495b", "#e9a23b", "#3d5a80")


def list_url(**filters: Any) -> str:
    """The customer list filtered as given (empty values left out)."""
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return reverse("web:customer_list") + (f"?{query}" if query else "")


def count_axis(title: str, values: Sequence[int]) -> dict[str, Any]:
    """An axis of whole numbers from 0; small counts get one tick per unit (never 0, 0.5 shown as 0, 1)."""
    axis: dict[str, Any] = {"title": {"text": title}, "tickformat": ",d", "rangemode": "tozero"}
    if max(values, default=0) < 8:
        axis.update(dtick=1, range=[0, max(max(values, default=0), 1) * 1.1])
    return axis


def layout(title: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "font": {"family": FONT, "size": 12, "color": "#1f2933"},
        "margin": {"l": 56, "r": 16, "t": 44, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.18},
        "separators": ".,",
        "hoverlabel": {"font": {"family": FONT}},
    }
    base.update(extra)
    for axis in ("xaxis", "yaxis", "yaxis2"):
        if axis in base:
            base[axis] = {"automargin": True, **base[axis]}
    return base


def bars(
    title: str, counts: Sequence[ValueCount], *, param: str, axis: str, colours: Sequence[str]
) -> Figure:
    """Customers per value; a bar opens the list filtered to that value (`param=value`). Many values
    (a class dimension) lie horizontally, so their names stay readable."""
    labels, values = [c.label for c in counts], [c.count for c in counts]
    trace: dict[str, Any] = {
        "type": "bar",
        "marker": {"color": list(colours)},
        "customdata": [list_url(**{param: c.value}) for c in counts],
        "name": axis,
    }
    customers = count_axis(_("Customers"), values)
    if len(counts) > 6:
        trace.update(orientation="h", x=values, y=labels, hovertemplate="%{y}: %{x:,}<extra></extra>")
        extra = {"xaxis": customers, "yaxis": {"autorange": "reversed", "automargin": True}}
        return {"data": [trace], "layout": layout(title, showlegend=False, **extra)}
    trace.update(x=labels, y=values, hovertemplate="%{x}: %{y:,}<extra></extra>")
    return {"data": [trace], "layout": layout(title, showlegend=False, yaxis=customers)}


def sankey(migration: Migration, *, title: str) -> Figure:
    """Moves between values in the latest run; a link opens the customers who made that move."""
    dimension, run = migration.dimension, migration.run
    label_of = dimension.label_of if dimension is not None else value_label
    sources = list(dict.fromkeys(m[0] for m in migration.moves))
    targets = list(dict.fromkeys(m[1] for m in migration.moves))
    new, gone = _("new"), _("none")
    labels = [label_of(v) if v else new for v in sources] + [label_of(v) if v else gone for v in targets]
    links: dict[str, list[Any]] = {"source": [], "target": [], "value": [], "customdata": []}
    for before, after, count in migration.moves:
        links["source"].append(sources.index(before))
        links["target"].append(len(sources) + targets.index(after))
        links["value"].append(count)
        moved = dimension.name if dimension is not None else ""
        run_id = run.pk if run is not None else ""
        links["customdata"].append(list_url(run=run_id, moved=moved, before=before, after=after))
    node_colours = [value_colour(dimension, v) for v in (*sources, *targets)]
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "node": {"label": labels, "pad": 14, "thickness": 16, "color": node_colours},
        "link": {**links, "color": "rgba(31, 95, 153, 0.25)", "hovertemplate": _sankey_hover()},
    }
    return {"data": [trace], "layout": layout(title, margin={"l": 16, "r": 16, "t": 44, "b": 16})}


def _sankey_hover() -> str:
    return "%{source.label} → %{target.label}: %{value:,}<extra></extra>"


def trend(series: Trend, *, title: str, label_of: Any) -> Figure:
    """Customers per churn-risk level (all but the lowest) after each run, by the run's as-of date; a
    point opens the customers at that level now."""
    x = [f"{run.as_of:%Y-%m-%d} #{run.pk}" for run in series.runs]
    levels = list(series.series.items())[:-1] or list(series.series.items())
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label_of(level),
            "x": x,
            "y": counts,
            "line": {"color": LEVEL_COLOURS.get(level, PALETTE[i % len(PALETTE)]), "width": 2},
            "customdata": [list_url(risk=level)] * len(counts),
            "hovertemplate": "%{fullData.name}: %{y:,}<extra>%{x}</extra>",
        }
        for i, (level, counts) in enumerate(levels)
    ]
    axis = count_axis(_("Customers"), [n for counts in series.series.values() for n in counts])
    runs = {"title": {"text": _("Grading run (as of)")}, "type": "category"}
    return {"data": data, "layout": layout(title, yaxis=axis, xaxis=runs)}


def consumption(
    series: Mapping[str, Mapping[dt.date, float]], *, title: str, param: str, label_of: Any
) -> Figure:
    """kWh per month of each class, stacked; a trace opens the list of that class."""
    ordered = sorted(series.items(), key=lambda item: -sum(item[1].values()))
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "kwh",
            "name": label_of(value),
            "x": [month.isoformat() for month in sorted(months)],
            "y": [round(months[month]) for month in sorted(months)],
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 1},
            "customdata": [list_url(**{param: value})] * len(months),
            "hovertemplate": "%{fullData.name} %{x|%Y-%m}: %{y:,} kWh<extra></extra>",
        }
        for i, (value, months) in enumerate(ordered)
    ]
    axis = {"title": {"text": "kWh"}, "tickformat": ",.3~s"}
    return {"data": data, "layout": layout(title, yaxis=axis, xaxis={"type": "date", "tickformat": "%Y-%m"})}


def service(months: Sequence[ServiceMonth], *, title: str) -> Figure:
    """Complaints per month (bars) and mean CSAT (line, right axis); a click opens who complained."""
    x = [m.month.isoformat() for m in months]
    url = list_url(complained=12)
    complaints = {
        "type": "bar",
        "name": _("Complaints"),
        "x": x,
        "y": [m.complaints for m in months],
        "marker": {"color": "#d1495b"},
        "customdata": [url] * len(months),
        "hovertemplate": "%{x|%Y-%m}: %{y:,}<extra>%{fullData.name}</extra>",
    }
    csat = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": _("Mean CSAT (1–5)"),
        "x": x,
        "y": [round(m.csat, 2) if m.csat is not None else None for m in months],
        "yaxis": "y2",
        "line": {"color": "#1f5f99"},
        "customdata": [url] * len(months),
        "hovertemplate": "%{x|%Y-%m}: %{y:.2f}<extra>%{fullData.name}</extra>",
    }
    extra = {
        "xaxis": {"type": "date", "tickformat": "%Y-%m"},
        "yaxis": count_axis(_("Complaints"), [m.complaints for m in months]),
        "yaxis2": {
            "title": {"text": "CSAT"},
            "overlaying": "y",
            "side": "right",
            "range": [1, 5],
            "tickvals": [1, 2, 3, 4, 5],
            "showgrid": False,
        },
        "margin": {"l": 56, "r": 56, "t": 44, "b": 40},
    }
    return {"data": [complaints, csat], "layout": layout(title, **extra)}


def customer_consumption(rows: Sequence[Mapping[str, Any]], *, title: str) -> Figure:
    """One customer's kWh per month, peak / flat / off-peak stacked."""
    x = [row["period"].isoformat() for row in rows]
    parts = (("peak", _("Peak")), ("flat", _("Flat")), ("offpeak", _("Off-peak")))
    data = [
        {
            "type": "bar",
            "name": name,
            "x": x,
            "y": [float(row[key] or 0) for row in rows],
            "marker": {"color": PEAK_COLOURS[i]},
            "hovertemplate": "%{x|%Y-%m} %{fullData.name}: %{y:,.0f} kWh<extra></extra>",
        }
        for i, (key, name) in enumerate(parts)
    ]
    axis = {"title": {"text": "kWh"}, "tickformat": ",d"}
    return {
        "data": data,
        "layout": layout(title, barmode="stack", yaxis=axis, xaxis={"type": "date", "tickformat": "%Y-%m"}),
    }
