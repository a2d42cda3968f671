"""Checking every file before anything is written, column by column with pyarrow.compute.

Per field: required values, blank strings, lengths, choices (read from the model field), finite
numbers that fit their decimal column; per model: its CheckConstraints (see `constraints`); per table:
positive, unique ids and unique keys within the file, references to ids the parent file holds (and, for
a row of a customer, to a parent row of the same customer: a payment pays its own customer's bill, a
reading comes from its own customer's meter), and owners that are staff in the file or users in the
database.
"""

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models.fields import PositiveIntegerRelDbTypeMixin

from stratacrm.ingest.tables import CUSTOMERS, STAFF

from .constraints import ConstraintCheck, constraint_checks
from .reading import Source, read_batches
from .results import Problem, ProblemList
from .targets import STRING_FIELDS, Kind, Target, normalise, target_for

CUSTOMER = "customer_id"  # the file column naming a row's customer


@dataclass
class Validated:
    """What validation learnt: rows per table, ready to be written."""

    rows: dict[str, int] = field(default_factory=dict)


def validate_sources(*, sources: list[Source]) -> Validated:
    """Read every file and check it; raise LoadError listing the problems found, if any."""
    problems = ProblemList()
    ids: dict[str, pa.Array] = {}
    customers: dict[str, pa.Array] = {}  # per table with ids and a customer: each id's customer
    validated = Validated()
    usernames: set[str] = set()
    for source in sources:
        table = _TableValidator(source=source, ids=ids, customers=customers, problems=problems)
        for batch in read_batches(source=source):
            table.check(batch=batch)
        table.finish()
        validated.rows[source.spec.name] = table.rows
        if source.spec is STAFF and table.rows:
            usernames.update(v for v in pa.chunked_array(table.kept["username"]).to_pylist() if v)
        if source.spec is CUSTOMERS:
            _check_owners(table=table, staff=usernames, problems=problems)
    problems.raise_if_any()
    return validated


def _check_owners(*, table: "_TableValidator", staff: set[str], problems: ProblemList) -> None:
    owners = pa.chunked_array(table.kept["owner"], type=pa.string()).combine_chunks()
    named = {v for v in pc.unique(owners.drop_null()).to_pylist()} - staff
    users = get_user_model()._default_manager
    known = set(users.filter(username__in=named).values_list("username", flat=True))
    unknown = pa.array(sorted(named - known), type=pa.string())
    table.flag(
        bad=pc.is_in(owners, value_set=unknown),
        column="owner",
        values=owners,
        offset=0,
        reason="is neither a staff username in the staff file nor a user in the database",
    )


class _TableValidator:
    """Checks one file batch by batch, keeping only what checks across batches need."""

    def __init__(
        self,
        *,
        source: Source,
        ids: dict[str, pa.Array],
        customers: dict[str, pa.Array],
        problems: ProblemList,
    ) -> None:
        self.source = source
        self.target: Target = target_for(spec=source.spec)
        self.ids, self.customers = ids, customers
        self.problems = problems
        self.rows = 0
        self.constraints: list[ConstraintCheck] = constraint_checks(model=self.target.model)
        self.references = {c.source: c.parent for c in self._columns(Kind.REFERENCE)}
        keep = [n for n in source.spec.schema.names if self.target.field(n).unique]  # ids, usernames, keys
        keep += ["owner"] if source.spec is CUSTOMERS else []
        keep += list(self.references)
        self.kept: dict[str, list[pa.Array]] = {name: [] for name in keep}

    def _columns(self, kind: Kind) -> list[Any]:
        if self.source.spec is STAFF:
            return []
        return [c for c in self.target.columns if c.kind is kind]

    def check(self, *, batch: pa.RecordBatch) -> None:
        batch = normalise(target=self.target, batch=batch)
        for name in batch.schema.names:
            self._check_column(name=name, values=batch.column(name))
        for check in self.constraints:
            self._check_constraint(check=check, batch=batch)
        for name, chunks in self.kept.items():
            chunks.append(batch.column(name))
        self.rows += batch.num_rows

    def finish(self) -> None:
        """Checks across the whole file: unique values; then remember its ids for the child tables."""
        schema = self.source.spec.schema
        columns = {
            name: pa.chunked_array(chunks, type=schema.field(name).type).combine_chunks()
            for name, chunks in self.kept.items()
        }
        positions: dict[str, pa.Array] = {}  # per reference: the parent row of each value
        for name, values in columns.items():
            if name in self.references:
                # One lookup for the whole file: pyarrow hashes the parent's ids once per call.
                parent = self.references[name]
                known = self.ids.get(parent, pa.array([], pa.int64()))
                positions[name] = _positions(values, known)
                self.flag(
                    bad=pc.and_(pc.is_valid(values), pc.is_null(positions[name])),
                    column=name,
                    values=values,
                    offset=0,
                    reason=f"refers to an id the {parent} file does not hold",
                )
            if name == self.source.spec.id_column:
                self.ids[self.source.spec.name] = values
                if CUSTOMER in self.references:
                    self.customers[self.source.spec.name] = columns[CUSTOMER]
            if not self.target.field(name).unique or _strictly_increasing(values):
                continue
            counts = pc.value_counts(values.drop_null())
            repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
            self.flag(
                bad=pc.is_in(values, value_set=repeated),
                column=name,
                values=values,
                offset=0,
                reason="appears more than once in the file",
            )
        if CUSTOMER in self.references:
            self._check_same_customer(columns, positions)

    def _check_same_customer(self, columns: dict[str, pa.Array], positions: dict[str, pa.Array]) -> None:
        """A reference to a parent row of a customer (a bill, a meter) names one of this row's customer."""
        for name, parent in self.references.items():
            if name == CUSTOMER or parent not in self.customers:
                continue
            theirs = pc.take(self.customers[parent], positions[name])
            self.flag(
                bad=pc.not_equal(theirs, columns[CUSTOMER]),
                column=name,
                values=columns[name],
                offset=0,
                reason=f"refers to a row of the {parent} file that belongs to another customer",
            )

    def flag(self, *, bad: pa.Array, column: str, values: Any, offset: int, reason: str) -> None:
        """Report the rows where `bad` is true (the first few in detail, the rest counted)."""
        bad = pc.fill_null(bad, False)
        count = pc.sum(bad).as_py() or 0
        if not count:
            return
        shown = min(count, self.problems.room)
        indices = pc.indices_nonzero(bad).slice(0, shown)
        for index, value in zip(indices.to_pylist(), _pick(values, indices), strict=True):
            self.problems.add(Problem(self.source.file, offset + index + 1, column, value, reason))
        self.problems.count(extra=count - shown)

    def _check_column(self, *, name: str, values: pa.Array) -> None:
        field = self.target.field(name)
        for bad, reason in _field_problems(field=field, values=values):
            self.flag(bad=bad, column=name, values=values, offset=self.rows, reason=reason)

    def _check_constraint(self, *, check: ConstraintCheck, batch: pa.RecordBatch) -> None:
        columns = {f: self.target.file_column(f) for f in check.fields}

        def column_of(name: str) -> pa.Array | None:
            column = columns.get(name)
            return batch.column(column) if column else None

        bad = check.broken(column_of=column_of)
        if bad is None:
            return
        named = [c for c in columns.values() if c]
        values = batch.column(named[0])
        if len(named) > 1:
            values = pa.StructArray.from_arrays([batch.column(c) for c in named], names=named)
        self.flag(bad=bad, column=", ".join(named), values=values, offset=self.rows, reason=check.message)


def checked_in_full(*, target: Target) -> bool:
    """Whether validation checks every rule the table's CHECK constraints state, so the database need not.

    True when each of the model's CheckConstraints translates to pyarrow and the only field-level checks
    are the non-negative integers `_field_problems` checks itself.
    """
    empty = pa.RecordBatch.from_pylist([], schema=target.spec.schema)

    def column_of(name: str) -> pa.Array | None:
        column = target.file_column(name)
        return empty.column(column) if column else None

    fields = [c.field for c in target.columns if c.kind is not Kind.DEFAULT]
    return all(
        check.broken(column_of=column_of) is not None for check in constraint_checks(model=target.model)
    ) and all(isinstance(f, PositiveIntegerRelDbTypeMixin) or f.db_check(connection) is None for f in fields)


def _strictly_increasing(values: pa.Array) -> bool:
    """True for ids and keys written in order (as the generator writes them): unique without hashing."""
    if values.null_count or len(values) < 2:
        return len(values) < 2
    return bool(pc.all(pc.greater(values.slice(1), values.slice(0, len(values) - 1))).as_py())


def _positions(values: pa.Array, known: pa.Array) -> pa.Array:
    """Each reference's position among the parent's ids (missing where unknown); a dense range of ids
    needs no hashing."""
    if len(known) and _strictly_increasing(known):
        low, high = known[0].as_py(), known[len(known) - 1].as_py()
        if high - low + 1 == len(known):
            inside = pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high))
            return pc.if_else(inside, pc.subtract(values, low), pa.scalar(None, values.type))
    return pc.index_in(values, value_set=known)


def _not_in(values: pa.Array, allowed: pa.Array) -> pa.Array:
    return pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=allowed)))


def _pick(values: Any, indices: pa.Array) -> list[Any]:
    return values.take(indices).to_pylist()


def _field_problems(*, field: models.Field, values: pa.Array) -> list[tuple[pa.Array, str]]:
    """(rows that break the rule, the rule) for each rule of the field the values break."""
    if field.primary_key:
        return [(pc.or_kleene(pc.is_null(values), pc.less(values, 1)), "must be a positive integer id")]
    found = []
    if not field.null:
        found.append((pc.is_null(values), "is required"))
    if isinstance(field, STRING_FIELDS) and not field.is_relation:
        if not field.blank:
            found.append((pc.equal(values, ""), "must not be blank"))
        if field.max_length:
            found.append(
                (
                    pc.greater(pc.utf8_length(values), field.max_length),
                    f"is longer than {field.max_length} characters",
                )
            )
        if field.choices:
            allowed = [str(v) for v, _ in field.choices] + ([""] if field.blank else [])
            found.append(
                (
                    _not_in(values, pa.array(allowed)),
                    "is not one of " + ", ".join(repr(v) for v in allowed),
                )
            )
    if pa.types.is_floating(values.type):
        found.append((pc.invert(pc.is_finite(values)), "is not a finite number"))
    if isinstance(field, models.DecimalField):
        assert field.max_digits is not None and field.decimal_places is not None
        digits = field.max_digits - field.decimal_places
        found.append(
            (
                pc.greater_equal(pc.abs(values), 10.0**digits),
                f"has more than {digits} digits before the decimal point",
            )
        )
    if isinstance(field, PositiveIntegerRelDbTypeMixin):
        found.append((pc.less(values, 0), "must not be negative"))
    return found
