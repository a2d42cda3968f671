"""Survivorship: which value a merged customer keeps, field by field.

Rules (a field's rule can be changed per merge, or for all merges with STRATA_SURVIVORSHIP):

- `survivor`: the survivor's value, or the loser's where the survivor has none;
- `most_recent`: the value of the record updated last, or the other's where that one has none;
- `longest`: the longer text;
- `oldest`: the value of the record created first, or the other's where that one has none;
- `earliest`: the smaller value (for dates: the customer has been a customer since the earlier one);
- `any`: true if either is true.

>>> pick("longest", "张伟", "张伟明", newer_is_loser=False, older_is_loser=True)
'张伟明'
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from stratacrm.customers.models import Customer

STRATEGIES = ("survivor", "most_recent", "longest", "oldest", "earliest", "any")
DEFAULT_RULES = {
    "name": "longest",
    "customer_type": "survivor",
    "industry": "survivor",
    "province": "most_recent",
    "city": "most_recent",
    "district": "most_recent",
    "size": "survivor",
    "company": "longest",
    "id_number": "oldest",
    "phone": "most_recent",
    "email": "most_recent",
    "address": "most_recent",
    "preferred_channel": "most_recent",
    "status": "survivor",
    "credit_grade": "most_recent",
    "important_grade": "survivor",
    "owner_id": "survivor",
    "source_channel": "oldest",
    "contact_form_filled": "any",
    "created_at": "earliest",
}
MERGED_FIELDS = tuple(DEFAULT_RULES)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def pick(rule: str, survivor: Any, loser: Any, *, newer_is_loser: bool, older_is_loser: bool) -> Any:
    """The value `rule` keeps of the survivor's and the loser's."""
    if rule == "any":
        return bool(survivor) or bool(loser)
    if rule == "earliest":
        present = [v for v in (survivor, loser) if not _empty(v)]
        return min(present) if present else survivor
    if rule == "longest":
        return loser if len(str(loser or "")) > len(str(survivor or "")) else survivor
    first, second = survivor, loser
    if (rule == "most_recent" and newer_is_loser) or (rule == "oldest" and older_is_loser):
        first, second = loser, survivor
    return second if _empty(first) else first


def survivor_values(
    *, survivor: Customer, loser: Customer, rules: dict[str, str] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The merged values of the survivor and the rules used (defaults, setting, then `rules`)."""
    used = {**DEFAULT_RULES, **getattr(settings, "STRATA_SURVIVORSHIP", {}), **(rules or {})}
    for field, rule in used.items():
        if field not in DEFAULT_RULES:
            raise ValidationError({field: f"not a field merged ({', '.join(MERGED_FIELDS)})"})
        if rule not in STRATEGIES:
            raise ValidationError({field: f"{rule!r} is not one of {', '.join(STRATEGIES)}"})
    newer = loser.updated_at > survivor.updated_at
    older = loser.created_at < survivor.created_at
    chosen = {
        field: pick(
            rule, getattr(survivor, field), getattr(loser, field), newer_is_loser=newer, older_is_loser=older
        )
        for field, rule in used.items()
    }
    return chosen, used
