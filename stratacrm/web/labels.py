"""How grade dimensions and their values read on screen, in the user's language.

Rule files name dimensions with labels in both languages; the values they put customers in (groups,
tags, tiers, stages, levels) are identifiers such as `large_industry`. The values of the utility template
and of the seed rules are translated here; any other value is shown as written, underscores as spaces.

>>> value_label("a_new_group")
'A new group'
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

VALUE_LABELS: dict[str, Promise] = {
    # lifecycle stages
    "prospect": pgettext_lazy("grade value", "Prospect"),
    "new": pgettext_lazy("grade value", "New"),
    "growing": pgettext_lazy("grade value", "Growing"),
    "mature": pgettext_lazy("grade value", "Mature"),
    "at_risk": pgettext_lazy("grade value", "At risk"),
    "churned": pgettext_lazy("grade value", "Churned"),
    "won_back": pgettext_lazy("grade value", "Won back"),
    # churn risk levels
    "high": pgettext_lazy("grade value", "High"),
    "medium": pgettext_lazy("grade value", "Medium"),
    "low": pgettext_lazy("grade value", "Low"),
    # customer classes of the utility template
    "large_industry": pgettext_lazy("grade value", "Large industry"),
    "industry": pgettext_lazy("grade value", "Industry"),
    "large_commerce": pgettext_lazy("grade value", "Large commerce"),
    "commerce": pgettext_lazy("grade value", "Commerce"),
    "public_institution": pgettext_lazy("grade value", "Public institution"),
    "agriculture": pgettext_lazy("grade value", "Agriculture"),
    "household_no_consumption": pgettext_lazy("grade value", "Household without consumption"),
    "household_high": pgettext_lazy("grade value", "High-use household"),
    "household_medium": pgettext_lazy("grade value", "Medium-use household"),
    "household_low": pgettext_lazy("grade value", "Low-use household"),
    # service flags of the utility template
    "important_user": pgettext_lazy("grade value", "Important user"),
    "late_payer": pgettext_lazy("grade value", "Late payer"),
    "repeat_complainer": pgettext_lazy("grade value", "Repeat complainer"),
    "digital_first": pgettext_lazy("grade value", "Digital first"),
    "credit_c": pgettext_lazy("grade value", "Credit grade C"),
    # the seed rules
    "high_value": pgettext_lazy("grade value", "High value"),
    "active": pgettext_lazy("grade value", "Active"),
}
DIMENSION_LABELS: dict[str, Promise] = {
    "value_tier": _("Value tier"),
    "lifecycle": _("Lifecycle stage"),
    "churn_risk": _("Churn risk"),
}
NONE_LABEL = _("(none)")


def value_label(value: str) -> str:
    """A dimension value as users read it; tiers (`S`, `A`…) stay as they are."""
    if not value:
        return str(NONE_LABEL)
    known = VALUE_LABELS.get(value)
    if known is not None:
        return str(known)
    if len(value) <= 2:
        return value
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


def dimension_label(name: str, *, label_en: str = "", label_zh: str = "") -> str:
    """A dimension's label in the current language: the rule file's, else a known one, else its name."""
    chinese = (get_language() or "").startswith("zh")
    given = (label_zh or label_en) if chinese else (label_en or label_zh)
    if given:
        return given
    known = DIMENSION_LABELS.get(name)
    return str(known) if known is not None else value_label(name)
