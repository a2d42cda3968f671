"""Condition trees and portable date arithmetic as sqlglot expressions (never SQL strings).

A leaf reads one column through a resolver, so the same code compiles a rule over the metric row and
a metric's filter over its source's rows. A leaf is false when its column is missing (NULL), except the
null tests; NOT is the exact complement (see `conditions.py`).

>>> from ..conditions import Leaf
>>> binder = Binder()
>>> tree = Leaf("city", "contains", "x'); DROP TABLE t; --")
>>> condition_expression(tree, resolve=lambda key: (exp.column(key), True), binder=binder).sql("postgres")
'COALESCE(POSITION(%(v1)s IN city) > 0, FALSE)'
>>> binder.values
{'v1': "x'); DROP TABLE t; --"}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlglot import exp

from ..conditions import COMPARISONS, Condition, Leaf
from .params import AsOf, Binder

# key -> (expression reading it, whether it can be NULL)
Resolver = Callable[[str], tuple[exp.Expr, bool]]

_COMPARISON_NODES: dict[str, type[exp.Expr]] = {
    "=": exp.EQ,
    "!=": exp.NEQ,
    ">": exp.GT,
    ">=": exp.GTE,
    "<": exp.LT,
    "<=": exp.LTE,
}
_NULL_TESTS = frozenset({"is_null", "is_not_null"})
_TWO_VALUED = _NULL_TESTS | {"not_in"}  # never NULL as compiled: no guard needed


def condition_expression(tree: Condition, *, resolve: Resolver, binder: Binder) -> exp.Expr:
    """A two-valued boolean expression for the tree; every value in it is a bound placeholder."""
    if isinstance(tree, Leaf):
        column, nullable = resolve(tree.key)
        test = _leaf(tree, column, binder)
        if nullable and tree.operator not in _TWO_VALUED:
            test = false_if_null(test)
        return exp.Not(this=test) if tree.negated else test
    parts = [_grouped(condition_expression(child, resolve=resolve, binder=binder)) for child in tree.children]
    joined = parts[0]
    for part in parts[1:]:
        joined = (exp.And if tree.op == "AND" else exp.Or)(this=joined, expression=part)
    return exp.Not(this=exp.Paren(this=joined)) if tree.negated else joined


def _grouped(node: exp.Expr) -> exp.Expr:
    return exp.Paren(this=node) if isinstance(node, exp.Connector) else node


def _leaf(leaf: Leaf, column: exp.Expr, binder: Binder) -> exp.Expr:
    op, value = leaf.operator, leaf.value
    if op == "is_true":
        return column
    if op in _NULL_TESTS:
        test = exp.Is(this=column, expression=exp.Null())
        return test if op == "is_null" else exp.Not(this=test)
    if op in ("in", "not_in"):
        assert isinstance(value, tuple)
        member = exp.In(this=column, expressions=[binder.value(v) for v in value])
        # `not_in` is the complement of `in`, so a missing value is "not in" the list.
        return member if op == "in" else exp.Not(this=false_if_null(member))
    if op == "between":
        assert isinstance(value, tuple)
        return exp.Between(this=column, low=binder.value(value[0]), high=binder.value(value[1]))
    assert value is not None and not isinstance(value, tuple)
    if op in ("contains", "starts_with"):
        # The position of the text, not LIKE: LIKE is case-insensitive on SQLite and treats % and _ as
        # wildcards, while the position agrees on every engine.
        found = exp.StrPosition(this=column, substr=binder.value(value))
        return (
            exp.GT(this=found, expression=one(0))
            if op == "contains"
            else exp.EQ(this=found, expression=one(1))
        )
    assert op in COMPARISONS
    return _COMPARISON_NODES[op](this=column, expression=binder.value(value))


def false_if_null(test: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=test, expressions=[exp.false()])


def one(number: int) -> exp.Expr:
    """A structural integer constant (0, 1, a rule's position) — never a user value."""
    return exp.Literal.number(number)


def when(cases: Sequence[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None = None) -> exp.Case:
    node = exp.Case(ifs=[exp.If(this=c, true=v) for c, v in cases])
    return node.else_(default, copy=False) if default is not None else node


def conditional(test: exp.Expr | None, value: exp.Expr) -> exp.Expr:
    """`CASE WHEN test THEN value END`, or the value itself when there is no test."""
    return value if test is None else when([(test, value)])


def all_of(tests: list[exp.Expr]) -> exp.Expr | None:
    if not tests:
        return None
    joined = _grouped(tests[0])
    for test in tests[1:]:
        joined = exp.And(this=joined, expression=_grouped(test))
    return joined


def ratio(numerator: exp.Expr, denominator: exp.Expr) -> exp.Expr:
    """numerator / denominator as a float, missing when the denominator is 0 or missing."""
    return exp.Div(this=numerator, expression=exp.Nullif(this=denominator, expression=one(0)), typed=False)


def to_date(value: exp.Expr) -> exp.Expr:
    """The calendar date of a date or UTC time (SQLite: `DATE(x)` on ISO text)."""
    return exp.cast(value, "DATE")


def days_between(later: exp.Expr, earlier: exp.Expr) -> exp.Expr:
    """Whole days from one date to another."""
    return exp.DateDiff(this=later, expression=earlier, unit=exp.var("DAY"))


def _date_part(value: exp.Expr, fmt: str) -> exp.Expr:
    return exp.cast(exp.TimeToStr(this=value, format=exp.Literal.string(fmt)), "INT")


def months_since(value: exp.Expr, *, binder: Binder) -> exp.Expr:
    """Whole months from a date to as_of: calendar months, less one when the day of month is not reached."""
    index = exp.Add(
        this=exp.Mul(this=_date_part(value, "%Y"), expression=one(12)), expression=_date_part(value, "%m")
    )
    months = exp.Sub(this=binder.as_of(AsOf("month_index")), expression=exp.Paren(this=index))
    short = when(
        [(exp.GT(this=_date_part(value, "%d"), expression=binder.as_of(AsOf("day"))), one(1))], one(0)
    )
    return exp.Sub(this=months, expression=short)


def days_since(value: exp.Expr, *, binder: Binder) -> exp.Expr:
    """Whole days from the date of a date or time to as_of."""
    return days_between(binder.as_of(AsOf("date")), to_date(value))
