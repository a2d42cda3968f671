"""The text form of conditions: `amount_12m > 10000 AND customer_type IN ('commercial', 'industrial')`.

sqlglot reads the text; only a whitelist of node kinds becomes a tree (names, values, comparisons,
IN, BETWEEN, IS NULL, AND/OR/NOT, `contains(x, 'text')`, `starts_with(x, 'text')`, bare boolean names).
Anything else (functions, subqueries, arithmetic, two names compared, several statements, comments) is
rejected with its position. The result is normalized (`conditions.normalize`), so text and tree convert
both ways without drift.

>>> from .fields import Field
>>> fields = {"x": Field("x", "integer"), "flag": Field("flag", "boolean")}
>>> parse("x BETWEEN 1 AND 5 OR NOT flag", fields=fields)
Group(op='OR', children=(Leaf(key='x', operator='between', value=(1, 5), negated=False), \
Leaf(key='flag', operator='is_true', value=None, negated=True)), negated=False)
>>> to_text(parse("10 < x AND (flag)", fields=fields))
'x > 10 AND flag'
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Tokenizer, TokenType

from .conditions import (
    COMPLEMENTS,
    MAX_DEPTH,
    Condition,
    ConditionError,
    Group,
    Leaf,
    Op,
    Operator,
    Scalar,
    negate,
    normalize,
)
from .fields import Field, check_leaf, unknown_name

MAX_TEXT_LENGTH = 10_000

_COMPARISONS: dict[type[exp.Expr], Operator] = {
    exp.EQ: "=",
    exp.NEQ: "!=",
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
}
_FLIPPED: dict[Operator, Operator] = {"=": "=", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
_TEXT_FUNCTIONS: dict[type[exp.Expr], Operator] = {
    exp.Contains: "contains",
    exp.StartsWith: "starts_with",
}


def parse(text: str, *, fields: Mapping[str, Field]) -> Condition:
    """Parse condition text into a normalized, checked tree; errors carry a character position."""
    if len(text) > MAX_TEXT_LENGTH:
        raise ConditionError.of(
            "text_too_long", "a condition is at most {most} characters", most=MAX_TEXT_LENGTH
        )
    if not text.strip():
        raise ConditionError("the condition is empty", 0, code="empty")
    _check_tokens(text)
    try:
        node = sqlglot.parse_one(text)
    except ParseError as error:
        raise _parse_error(text, error) from None
    return normalize(_Reader(fields).condition(node, depth=0))


def _check_tokens(text: str) -> None:
    try:
        tokens = Tokenizer().tokenize(text)
    except TokenError:
        quote = text.rfind("'")
        message = "cannot read the condition: is a quote not closed?"
        raise ConditionError(message, max(quote, 0), code="open_quote") from None
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            raise ConditionError("one condition only: ';' is not allowed", token.start, code="semicolon")
        if token.comments:
            raise ConditionError("comments are not allowed in a condition", token.start, code="comment")


def _parse_error(text: str, error: ParseError) -> ConditionError:
    detail = error.errors[0] if error.errors else {}
    line, col = detail.get("line"), detail.get("col")
    highlight = str(detail.get("highlight") or "")
    position = None
    if isinstance(line, int) and isinstance(col, int):
        starts = [0]
        for row in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(row))
        position = max(starts[min(line, len(starts)) - 1] + col - max(len(highlight), 1), 0)
    if not highlight.strip():
        return ConditionError(
            "cannot parse the condition: is something missing or misplaced?", position, code="parse"
        )
    template = "cannot parse the condition near {near!r}: is something missing or misplaced?"
    return ConditionError.of("parse_near", template, position, near=highlight.strip())


def _position(node: exp.Expr) -> int | None:
    starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
    return min(starts) if starts else None


class _Reader:
    """Turns a sqlglot expression into a tree, refusing every node kind not listed here."""

    def __init__(self, fields: Mapping[str, Field]) -> None:
        self.fields = fields

    def condition(self, node: exp.Expr, *, depth: int) -> Condition:
        if depth > MAX_DEPTH:
            template = "conditions nest at most {most} deep"
            raise ConditionError.of("too_deep", template, _position(node), most=MAX_DEPTH)
        if isinstance(node, exp.Paren):
            return self.condition(node.this, depth=depth + 1)
        if isinstance(node, exp.And | exp.Or):
            op: Op = "AND" if isinstance(node, exp.And) else "OR"
            parts = [self.condition(part, depth=depth + 1) for part in node.flatten()]
            return Group(op, tuple(parts))
        if isinstance(node, exp.Not):
            return negate(self.condition(node.this, depth=depth + 1))
        leaf = self.leaf(node)
        try:
            check_leaf(leaf, fields=self.fields)
        except ConditionError as error:
            raise error.located(position=_position(node)) from None
        return leaf

    def leaf(self, node: exp.Expr) -> Leaf:
        if type(node) in _COMPARISONS:
            return self.comparison(node, _COMPARISONS[type(node)])
        if isinstance(node, exp.In):
            if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
                raise ConditionError("subqueries are not allowed", _position(node), code="subquery")
            values = tuple(self.value(v) for v in node.expressions)
            return Leaf(self.name(node.this), "in", values)
        if isinstance(node, exp.Between):
            low, high = self.value(node.args["low"]), self.value(node.args["high"])
            return Leaf(self.name(node.this), "between", (low, high))
        if isinstance(node, exp.Is):
            if not isinstance(node.expression, exp.Null):
                message = "only IS NULL and IS NOT NULL are allowed after IS"
                raise ConditionError(message, _position(node), code="is_null_only")
            return Leaf(self.name(node.this), "is_null")
        if type(node) in _TEXT_FUNCTIONS:
            return Leaf(self.name(node.this), _TEXT_FUNCTIONS[type(node)], self.value(node.expression))
        if isinstance(node, exp.Column):
            return Leaf(self.name(node), "is_true")
        raise self.refusal(node)

    def comparison(self, node: exp.Expr, operator: Operator) -> Leaf:
        left, right = node.this, node.expression
        if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
            left, right, operator = right, left, _FLIPPED[operator]
        if isinstance(right, exp.Null):
            spelled = "IS NULL" if operator == "=" else "IS NOT NULL"
            template = "compare with NULL using {spelled}"
            raise ConditionError.of("null_comparison", template, _position(node), spelled=spelled)
        if isinstance(right, exp.Column):
            raise self.two_names(right)
        return Leaf(self.name(left), operator, self.value(right))

    def two_names(self, right: exp.Column) -> ConditionError:
        identifier = right.this
        if isinstance(identifier, exp.Identifier) and identifier.quoted and right.name not in self.fields:
            template = '"{name}" is read as a name: put text in single quotes'
            return ConditionError.of(
                "double_quotes", template, _position(right), f"'{right.name}'", name=right.name
            )
        message = "compare a name with a value; comparing two names is not supported"
        return ConditionError(message, _position(right), code="two_names")

    def name(self, node: exp.Expr) -> str:
        if not isinstance(node, exp.Column):
            if isinstance(node, exp.Literal | exp.Neg | exp.Boolean | exp.Null):
                raise ConditionError(
                    "expected a name here, e.g. amount_12m", _position(node), code="expected_name"
                )
            raise self.refusal(node)
        if node.table:
            template = "qualified names are not allowed: {name}"
            raise ConditionError.of("qualified_name", template, _position(node), name=node.sql())
        identifier = node.this
        name = node.name if getattr(identifier, "quoted", False) else node.name.lower()
        if name not in self.fields:
            raise unknown_name(name, fields=self.fields).located(position=_position(node))
        return name

    def value(self, node: exp.Expr) -> Scalar:
        negative = isinstance(node, exp.Neg)
        inner = node.this if negative else node
        if isinstance(inner, exp.Literal) and not (negative and inner.is_string):
            if inner.is_string:
                return str(inner.this)
            number = _number(str(inner.this))
            return -number if negative else number
        if isinstance(node, exp.Boolean):
            return bool(node.this)
        if isinstance(node, exp.Column):
            raise self.two_names(node)
        if isinstance(node, exp.Literal | exp.Neg | exp.Paren | exp.Null):
            message = "expected a value here: a number, 'text', TRUE or FALSE"
            raise ConditionError(message, _position(node), code="expected_value")
        raise self.refusal(node)

    def refusal(self, node: exp.Expr) -> ConditionError:
        position = _position(node)
        if isinstance(node, exp.Subquery | exp.Select | exp.Exists | exp.Query):
            return ConditionError("subqueries are not allowed", position, code="subquery")
        if isinstance(node, exp.Like | exp.ILike):
            message = "LIKE is not supported; use contains(name, 'text') or starts_with(name, 'text')"
            return ConditionError(message, position, code="like")
        if isinstance(node, exp.Binary) and not isinstance(node, exp.Connector | exp.Predicate):
            message = "arithmetic is not allowed in a condition; define a metric for the value you need"
            return ConditionError(message, position, code="arithmetic")
        if isinstance(node, exp.Func):
            name = node.sql_name() if not isinstance(node, exp.Anonymous) else str(node.this)
            return ConditionError.of(
                "function", "functions are not allowed: {name}", position, name=name.lower()
            )
        if isinstance(node, exp.Literal | exp.Boolean | exp.Null):
            return ConditionError(
                "a condition needs a name, e.g. amount_12m > 0", position, code="needs_name"
            )
        return ConditionError.of(
            "not_allowed", "not allowed in a condition: {text}", position, text=node.sql()[:40]
        )


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def to_text(tree: Condition) -> str:
    """The text form of a tree, which `parse` reads back as `normalize(tree)`.

    >>> to_text(Group("OR", (Leaf("a", "<", -1.5), Group("AND", (Leaf("b", "in", ("x", "it's")),
    ...     Leaf("c", "is_null", negated=True))))))
    "a < -1.5 OR (b IN ('x', 'it''s') AND c IS NOT NULL)"
    """
    if isinstance(tree, Leaf):
        return _leaf_text(tree)
    parts = [
        f"({to_text(c)})" if isinstance(c, Group) and not c.negated else to_text(c) for c in tree.children
    ]
    joined = f" {tree.op} ".join(parts)
    return f"NOT ({joined})" if tree.negated else joined


def _leaf_text(leaf: Leaf) -> str:
    name, op, value = _name(leaf.key), leaf.operator, leaf.value
    negated = leaf.negated
    if op in COMPLEMENTS and negated:
        op, negated = COMPLEMENTS[op], False
    if op == "is_true":
        text = name
    elif op in ("is_null", "is_not_null"):
        text = f"{name} IS NULL" if op == "is_null" else f"{name} IS NOT NULL"
    elif op in ("in", "not_in"):
        assert isinstance(value, tuple)
        listed = ", ".join(_literal(v) for v in value)
        text = f"{name} IN ({listed})" if op == "in" else f"{name} NOT IN ({listed})"
    elif op == "between":
        assert isinstance(value, tuple)
        spelled = "NOT BETWEEN" if negated else "BETWEEN"
        return f"{name} {spelled} {_literal(value[0])} AND {_literal(value[1])}"
    elif op in ("contains", "starts_with"):
        assert isinstance(value, str)
        text = f"{op}({name}, {_literal(value)})"
    else:
        assert value is not None and not isinstance(value, tuple)
        text = f"{name} {op} {_literal(value)}"
    return f"NOT {text}" if negated else text


def _name(key: str) -> str:
    tokens = Tokenizer().tokenize(key)
    plain = len(tokens) == 1 and tokens[0].token_type == TokenType.VAR
    return key if plain else exp.to_identifier(key, quoted=True).sql()


def _literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return exp.Literal.string(value).sql()
    return repr(value)
