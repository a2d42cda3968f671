"""How grade dimensions and their values read on screen, in the user's language.

Rule files name dimensions with labels in both languages; the values they put customers in (groups,
tags, tiers, stages, levels) are identifiers such as `large_industry`. The values of the utility template
and of the seed rules are translated here; any other value is shown as written, underscores as spaces.

>>> value_label("a_new_group")
'A new group'
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

VALUE_LABELS: dict[str, Promise] = {
    # lifecycle stages
    "prospect": _("Prospect"),
    "new": _("New"),
    "growing": _("Growing"),
    "mature": _("Mature"),
    "at_risk": _("At risk"),
    "churned": _("Churned"),
    "won_back": _("Won back"),
    # churn risk levels
    "high": _("High"),
    "medium": _("Medium"),
    "low": _("Low"),
    # customer classes of the utility template
    "large_industry": _("Large industry"),
    "industry": _("Industry"),
    "large_commerce": _("Large commerce"),
    "commerce": _("Commerce"),
    "public_institution": _("Public institution"),
    "agriculture": _("Agriculture"),
    "household_no_consumption": _("Household without consumption"),
    "household_high": _("High-use household"),
    "household_medium": _("Medium-use household"),
    "household_low": _("Low-use household"),
    # service flags of the utility template
    "important_user": _("Important user"),
    "late_payer": _("Late payer"),
    "repeat_complainer": _("Repeat complainer"),
    "digital_first": _("Digital first"),
    "credit_c": _("Credit grade C"),
    # the seed rules
    "high_value": _("High value"),
    "active": _("Active"),
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
