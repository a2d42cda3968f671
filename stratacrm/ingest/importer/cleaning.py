"""Cleaning on the way in, column-wise: text, phone numbers, e-mail addresses and region names.

Each rule counts what it changed and keeps a few examples (masked as the audit trail masks them) for
the job report. Rules never guess: a phone number `phonenumbers` cannot parse, or an e-mail address
that is not one, is a problem for validation to report, not a value to drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from stratacrm.accounts.masking import mask_value

from .regions import REGIONS

EXAMPLES = 3
MOBILE = r"^1[3-9][0-9]{9}$"  # a mainland mobile number, the common case, checked without phonenumbers
SEPARATORS = r"[\s\-().·/]"
EMAIL_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
EMAIL = rf"^{EMAIL_LOCAL}@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{{2,63}}$"
SENSITIVE = ("phone", "email", "address", "id_number")


@dataclass
class CleaningReport:
    """Per rule: how many values it changed, with a few masked before/after examples."""

    rules: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self, rule: str, *, field_name: str, before: pa.Array, after: pa.Array) -> None:
        changed = pc.fill_null(pc.not_equal(before, after), False)
        count = int(pc.sum(changed).as_py() or 0)
        if not count:
            return
        entry = self.rules.setdefault(rule, {"count": 0, "examples": []})
        entry["count"] += count
        room = EXAMPLES - len(entry["examples"])
        if room > 0:
            olds = pc.filter(before, changed).slice(0, room).to_pylist()
            news = pc.filter(after, changed).slice(0, room).to_pylist()
            for old, new in zip(olds, news, strict=True):
                entry["examples"].append([_masked(field_name, old), _masked(field_name, new)])

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {rule: dict(entry) for rule, entry in sorted(self.rules.items())}


def _masked(field_name: str, value: Any) -> Any:
    if field_name in SENSITIVE:
        return mask_value(field_name, value, record={})
    return value


def text_clean(values: pa.Array, *, field_name: str, report: CleaningReport) -> pa.Array:
    """NFKC (full-width letters, digits and spaces to their usual forms), trimmed, inner runs of
    whitespace made one space."""
    normal = pc.utf8_normalize(values, form="NFKC")
    report.record(
        "text: full-width and compatibility characters (NFKC)",
        field_name=field_name,
        before=values,
        after=normal,
    )
    tidy = pc.replace_substring_regex(pc.utf8_trim_whitespace(normal), pattern=r"\s+", replacement=" ")
    report.record(
        "text: surrounding and repeated whitespace", field_name=field_name, before=normal, after=tidy
    )
    return tidy


def phone_clean(values: pa.Array, *, report: CleaningReport) -> tuple[pa.Array, pa.Array]:
    """Phone numbers in one form, and a mask of those that are not numbers at all.

    Mainland mobiles become their 11 digits (`13812345678`); other mainland numbers their national form
    with the trunk 0 (`057187654321`); others E.164 (`+85223456789`). The region of numbers without a
    country code is STRATA_PHONE_REGION (CN by default).
    """
    region = getattr(settings, "STRATA_PHONE_REGION", "CN")
    bare = pc.replace_substring_regex(values, pattern=SEPARATORS, replacement="")
    bare = pc.replace_substring_regex(bare, pattern=r"^(\+86|0086)(1[3-9][0-9]{9})$", replacement=r"\2")
    fast = pc.match_substring_regex(bare, pattern=MOBILE)
    slow = pc.and_(pc.invert(fast), pc.not_equal(bare, ""))
    invalid = pa.array([False] * len(values)) if len(values) else pa.array([], pa.bool_())
    if pc.any(slow).as_py():
        unique = pc.unique(pc.filter(values, slow))
        parsed = [_phone(v, region) for v in unique.to_pylist()]
        index = pc.index_in(values, value_set=unique)
        fixed = pc.take(pa.array([p or "" for p in parsed], pa.string()), index)
        failed = pc.take(pa.array([p is None for p in parsed]), index)
        bare = pc.if_else(slow, fixed, bare)
        invalid = pc.fill_null(pc.and_(slow, failed), False)
        bare = pc.if_else(invalid, values, bare)
    report.record("phone: normalised", field_name="phone", before=values, after=bare)
    return bare, invalid


def _phone(value: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.country_code == phonenumbers.country_code_for_region("CN") and region == "CN":
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_clean(values: pa.Array, *, report: CleaningReport) -> tuple[pa.Array, pa.Array]:
    """E-mail addresses lower-cased; the mask marks those that are not addresses."""
    lower = pc.utf8_lower(values)
    report.record("e-mail: lower-cased", field_name="email", before=values, after=lower)
    invalid = pc.and_(pc.not_equal(lower, ""), pc.invert(pc.match_substring_regex(lower, pattern=EMAIL)))
    return lower, pc.fill_null(invalid, False)


def regions_clean(columns: dict[str, pa.Array], *, report: CleaningReport) -> dict[str, pa.Array]:
    """Province, city and district names in their full form (浙江 → 浙江省, 杭州 → 杭州市), and a
    missing province or city filled from the city or district when the table knows it."""
    cleaned = dict(columns)
    for level, lookup in (
        ("province", REGIONS.province),
        ("city", REGIONS.city),
        ("district", REGIONS.district),
    ):
        if level in cleaned:
            before = cleaned[level]
            cleaned[level] = _mapped(before, lookup)
            report.record(
                f"region: {level} name in full form", field_name=level, before=before, after=cleaned[level]
            )
    if "city" in cleaned and "district" in cleaned:
        before = cleaned["city"]
        cleaned["city"] = _filled(before, cleaned["district"], REGIONS.city_of_district)
        report.record(
            "region: city filled from the district", field_name="city", before=before, after=cleaned["city"]
        )
    if "province" in cleaned and "city" in cleaned:
        before = cleaned["province"]
        cleaned["province"] = _filled(before, cleaned["city"], REGIONS.place_of_city)
        report.record(
            "region: province filled from the city",
            field_name="province",
            before=before,
            after=cleaned["province"],
        )
    return cleaned


def _mapped(values: pa.Array, lookup: Any) -> pa.Array:
    unique = pc.unique(values)
    names = [v if not v else (lookup(v) or v) for v in unique.to_pylist()]
    return pc.take(pa.array(names, pa.string()), pc.index_in(values, value_set=unique))


def _filled(values: pa.Array, parents_of: pa.Array, lookup: Any) -> pa.Array:
    empty = pc.equal(values, "")
    if not pc.any(empty).as_py():
        return values
    found = _mapped(parents_of, lambda v: lookup(v) or "")
    found = pc.if_else(pc.equal(found, parents_of), "", found)  # unknown names map to themselves
    return pc.if_else(empty, found, values)
