"""Template helpers: permissions for showing buttons, numbers with thousands separators, charts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html

from stratacrm.accounts.policy import user_may
from stratacrm.customers.choices import CustomerType

from ..labels import value_label
from ..vendor import plotly_style_ids as vendor_style_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, action: str) -> bool:
    """Whether the signed-in user may perform `action`: `{% may "rule.change" as can_edit %}`."""
    request = context.get("request")
    return bool(request is not None and user_may(request.user, action))


@register.filter
def num(value: Any, places: int = 0) -> str:
    """A number with thousands separators: 1,234,567, or 1,234.57 with `num:2` (whole numbers, counted or
    computed, keep no decimals); blank stays blank, text stays text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if number == number.to_integral_value() and isinstance(value, float):
        return f"{number:,.0f}"  # a whole number computed as a float (a count, months) reads as one
    return f"{number:,.{int(places)}f}"


@register.filter
def label(value: str) -> str:
    """A grade value as users read it (`at_risk` → At risk)."""
    return value_label(value or "")


@register.simple_tag
def chart(figure: dict[str, Any], element_id: str, title: str = "") -> str:
    """A Plotly figure, its data in an attribute (htmx drops script elements from the fragments it
    swaps in), drawn by `charts.js`."""
    return format_html(
        '<div class="chart" id="{}" data-figure="{}" role="img" aria-label="{}"></div>',
        element_id,
        json.dumps(figure, cls=DjangoJSONEncoder, separators=(",", ":")),
        title,
    )


@register.simple_tag
def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the styles plotly.min.js would inject (the page holds an element of each id instead)."""
    return vendor_style_ids()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]`, or nothing."""
    return mapping.get(key, ()) if isinstance(mapping, dict) else ()


@register.filter
def label_in(dimension: Any, value: str) -> str:
    """A value's label in its dimension (`{{ dimension|label_in:value }}`)."""
    return str(dimension.label_of(value)) if dimension is not None else value_label(value)


@register.filter
def customer_type(value: str) -> str:
    """A customer type's name in the user's language."""
    return str(dict(CustomerType.choices).get(value, value))


@register.filter
def as_json(value: Any) -> str:
    """A stored JSON value as compact JSON text (Chinese kept readable)."""
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(", ", ": "))
