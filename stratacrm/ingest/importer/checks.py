"""Checking a converted table before anything is written, with the bulk loader's vectorised checks.

Each field's rules (required, blank, length, choices, finite numbers that fit) and the model's
CheckConstraints come from `ingest.loader.validation` and `ingest.loader.constraints`, so the importer
and the loader refuse exactly what the database would. On top: natural keys repeated inside the file,
and references (account numbers, meter numbers, usernames) that neither the database nor the file holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.ingest.loader.constraints import constraint_checks
from stratacrm.ingest.loader.validation import _field_problems
from stratacrm.ingest.models import MergeRecord

from .convert import Converted
from .problems import Problems
from .targets import TS, ImportTarget, arrow_type

KEY_SEPARATOR = "\x1f"  # between the parts of a key: a character no cell holds after cleaning
LOOKUP_CHUNK = 900  # bound values per IN (...) query, within every database's limit


@dataclass
class Checked:
    """A table's rows as they will be written: every column typed, defaults filled, keys as text."""

    target: ImportTarget
    columns: dict[str, pa.Array]
    rows: pa.Array
    sources: dict[str, str]
    row_key: tuple[str, ...] = ()  # the profile's key for a table without one of its own

    @property
    def identity(self) -> tuple[str, ...]:
        """The fields that identify a row: the table's natural key, or the profile's; () for none."""
        return self.target.key or self.row_key

    def key_text(self) -> pa.Array:
        """The identity of each row as one text ("acct|2024-03-01"); for a table without one, every
        mapped value joined (its content, which the content hash is taken of)."""
        names = self.identity or tuple(sorted(n for n in self.sources if n in self.columns))
        parts = [_shown(self.columns[name]) for name in names]
        parts = [pc.fill_null(p, "") for p in parts]
        return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, KEY_SEPARATOR)

    def filter(self, keep: pa.Array) -> Checked:
        return Checked(
            self.target,
            {k: pc.filter(v, keep) for k, v in self.columns.items()},
            pc.filter(self.rows, keep),
            self.sources,
            self.row_key,
        )


@dataclass
class Known:
    """What references may name: account numbers, meter numbers (with their customers' account numbers)
    and usernames, in the database or in this import's own customers and meters."""

    accounts: set[str]
    meters: dict[str, str]
    usernames: set[str]


def check_table(
    *,
    converted: Converted,
    target: ImportTarget,
    known: Known,
    problems: Problems,
    row_key: tuple[str, ...] = (),
) -> Checked:
    """Fill defaults, run every check, and return the table (bad rows still in it: the caller decides).

    `row_key` is the profile's key of a table without one of its own (see `Checked.identity`)."""
    n = len(converted.rows)
    columns = dict(converted.columns)
    for name, field in target.model_fields.items():
        if name not in columns:
            columns[name] = _default(field, n)
    if target.name == "customers":
        columns["updated_at"] = pa.array([timezone.now()] * n, TS) if n else pa.array([], TS)
    checked = Checked(target, columns, converted.rows, converted.sources, row_key)
    where = {"rows": converted.rows, "table": target.name}
    for name, field in target.model_fields.items():
        values = columns[name]
        column = converted.sources.get(name, name)
        for bad, reason in _field_problems(field=field, values=values):
            if name in converted.failed:
                bad = pc.and_(pc.fill_null(bad, False), pc.invert(converted.failed[name]))
            problems.flag(bad=bad, values=values, column=column, reason=reason, **where)
    _constraints(checked, problems)
    _references(checked, known, problems)
    _repeated_keys(checked, problems)
    return checked


def _default(field: models.Field, n: int) -> pa.Array:
    kind = arrow_type(field)
    value: Any
    if field.name == "created_at":
        value = timezone.now()
    elif field.has_default():
        value = field.get_default()
        value = str(value) if isinstance(value, str) else value
        value = float(value) if isinstance(field, models.DecimalField) else value
    elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
        value = ""
    else:
        value = None
    return pa.array([value] * n, kind) if n else pa.array([], kind)


def _shown(values: pa.Array) -> pa.Array:
    return values if pa.types.is_string(values.type) else values.cast(pa.string())


def _constraints(checked: Checked, problems: Problems) -> None:
    for check in constraint_checks(model=checked.target.model):
        bad = check.broken(column_of=lambda name: checked.columns.get(name))
        if bad is None or not pc.any(pc.fill_null(bad, False)).as_py():
            continue
        named = [f for f in check.fields if f in checked.columns]
        shown = pc.binary_join_element_wise(*[_shown(checked.columns[f]) for f in named], ", ")
        column = ", ".join(checked.sources.get(f, f) for f in named)
        problems.flag(
            bad=bad,
            rows=checked.rows,
            values=shown,
            column=column,
            table=checked.target.name,
            reason=check.message,
        )


def _references(checked: Checked, known: Known, problems: Problems) -> None:
    where = {"rows": checked.rows, "table": checked.target.name}
    checks = (
        ("customer", known.accounts, "no customer has this account number (in the database or this file)"),
        ("meter", set(known.meters), "no meter has this number (in the database or this file)"),
        ("owner", known.usernames, "no user has this username"),
    )
    for name, allowed, reason in checks:
        if name not in checked.columns:
            continue
        values = checked.columns[name]
        present = pc.not_equal(values, "")
        bad = pc.and_(present, pc.invert(pc.is_in(values, value_set=pa.array(sorted(allowed), pa.string()))))
        problems.flag(bad=bad, values=values, column=checked.sources.get(name, name), reason=reason, **where)
        if name != "owner":
            problems.flag(
                bad=pc.invert(present),
                values=values,
                column=checked.sources.get(name, name),
                reason="is required",
                **where,
            )


def _repeated_keys(checked: Checked, problems: Problems) -> None:
    keys = checked.key_text()
    if not len(keys):
        return
    counts = pc.value_counts(keys.drop_null())
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if len(repeated):
        names = " + ".join(checked.sources.get(k, k) for k in checked.identity) or "(the whole row)"
        problems.flag(
            bad=pc.is_in(keys, value_set=repeated),
            rows=checked.rows,
            values=keys,
            column=names,
            table=checked.target.name,
            reason="the same key appears more than once in the file",
        )


def known_references(*, tables: list[Converted]) -> Known:
    """Account numbers, meter numbers and usernames the file names that the database holds.

    Merged-away account numbers count as known: they lead to the customer they were merged into. What
    the file's own customers and meters tables bring is added by `known_add` as each is checked.
    """
    named: dict[str, set[str]] = {"customer": set(), "meter": set(), "owner": set()}
    for table in tables:
        for name in named:
            if name in table.columns:
                named[name].update(v for v in pc.unique(table.columns[name]).to_pylist() if v)
    accounts = set(_existing(Customer.objects.all(), "account_number", named["customer"]))
    accounts |= set(
        _existing(
            MergeRecord.objects.filter(undone_at__isnull=True), "loser_account_number", named["customer"]
        )
    )
    meters = dict(
        pair
        for chunk in _chunks(sorted(named["meter"]))
        for pair in UtilityAccount.objects.filter(meter_number__in=chunk).values_list(
            "meter_number", "customer__account_number"
        )
    )
    users = get_user_model()._default_manager
    usernames = set(_existing(users.all(), "username", named["owner"]))
    return Known(accounts, meters, usernames)


def known_add(known: Known, checked: Checked) -> None:
    """Make the rows of a checked (and kept) customers or meters table known to the tables after it."""
    if checked.target.name == "customers":
        known.accounts.update(v for v in pc.unique(checked.columns["account_number"]).to_pylist() if v)
    elif checked.target.name == "meters":
        pairs = zip(
            checked.columns["meter_number"].to_pylist(), checked.columns["customer"].to_pylist(), strict=True
        )
        known.meters.update(pairs)


def _existing(queryset: models.QuerySet, field: str, wanted: set[str]) -> list[str]:
    return [
        v
        for chunk in _chunks(sorted(wanted))
        for v in queryset.filter(**{f"{field}__in": chunk}).values_list(field, flat=True)
    ]


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + LOOKUP_CHUNK] for i in range(0, len(values), LOOKUP_CHUNK)]


def rows_mask(rows: pa.Array, bad_rows: pa.Array) -> pa.Array:
    """True for rows not among `bad_rows`."""
    if not len(bad_rows):
        return pa.array(np.ones(len(rows), dtype=bool))
    return pc.invert(pc.is_in(rows, value_set=bad_rows))
