"""Reading conditions, rules and dimensions from the rule file's nodes.

A condition is text (`amount_12m > 10000`) or a JSON tree written as YAML; an error inside the text is
placed at its character when the text stands on one line, an error in a tree at the node it names.
A rule's action (`then`) fits its place: `group` in an exclusive dimension, `tag` in a tags dimension,
`tier` under `schemes.value_score`, `stage` under `schemes.lifecycle`. In an exclusive dimension every
rule has its own priority, since the highest matching one wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..conditions import Condition, ConditionError, from_json, normalize
from ..fields import Field, check_condition, nearest
from ..text import parse
from .nodes import Context, position, text_position
from .schemes import SCHEME_DIMENSIONS
from .specs import ACTIONS, MODES, Action, DimensionSpec, Mode, RuleSpec

RULE_KEYS = ("name", "when", "then", "priority", "enabled")
DIMENSION_KEYS = ("name", "mode", "labels", "rules")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
MAX_NAME, MAX_VALUE = 100, 100
_WHERE_ACTIONS = {
    "group": "a group is given in a dimension of mode exclusive",
    "tag": "a tag is given in a dimension of mode tags",
    "tier": "a tier is set by the rules under schemes.value_score",
    "stage": "a stage is set by the rules under schemes.lifecycle",
}


def describe(error: ConditionError) -> str:
    """The error's message and suggestion, without the position (the caller gives line and column)."""
    hint = f"; did you mean {error.suggestion}?" if error.suggestion else ""
    return f"{error.message}{hint}"


def read_condition(context: Context, node: Node, *, fields: Mapping[str, Field]) -> Condition | None:
    """A checked, normalized condition from text or from a tree; None (and a problem) when wrong."""
    if isinstance(node, ScalarNode):
        text = context.scalar(node)
        if not isinstance(text, str):
            context.fail(node, f"a condition is text or a tree, not {text!r}")
            return None
        try:
            return parse(text, fields=fields)
        except ConditionError as error:
            context.fail(node, describe(error), at=text_position(node, error.position))
            return None
    if not isinstance(node, MappingNode):
        context.fail(node, "a condition is text or a tree (op/children, or key/operator/value)")
        return None
    try:
        tree = from_json(_plain(node))
        check_condition(tree, fields=fields)
    except ConditionError as error:
        context.fail(_at_path(node, error.path or ()), describe(error))
        return None
    return normalize(tree)


def read_rules(
    context: Context,
    node: Node,
    *,
    dimension: str,
    mode: Mode,
    action: Action,
    values: Sequence[str] | None,
    fields: Mapping[str, Field],
) -> tuple[RuleSpec, ...]:
    """The rules of one dimension; every rule must use `action`, with one of `values` when given."""
    rules: list[RuleSpec] = []
    names: dict[str, int] = {}
    priorities: dict[int, tuple[str, int]] = {}
    for entry in context.sequence(node, what="rules"):
        at = position(entry)
        with context.about(f"rule in dimension {dimension}"):
            fields_of = context.mapping(
                entry, required=("name", "when", "then"), allowed=RULE_KEYS, what="a rule"
            )
            name = context.text(fields_of.get("name"), what="a rule's name")
        if name is None:
            continue
        with context.about(f"rule {name!r} in dimension {dimension}"):
            if len(name) > MAX_NAME:
                context.fail(fields_of["name"], f"a rule's name is at most {MAX_NAME} characters")
            if name in names:
                context.fail(
                    fields_of["name"], f"the rule name {name!r} is used twice (first at line {names[name]})"
                )
            names.setdefault(name, at[0])
            condition = (
                read_condition(context, fields_of["when"], fields=fields) if "when" in fields_of else None
            )
            then = _read_then(context, fields_of.get("then"), action=action, values=values)
            priority = context.integer(fields_of.get("priority"), what="priority")
            enabled = context.boolean(fields_of.get("enabled"), what="enabled", default=True)
            if mode == "exclusive":
                _check_priority(context, fields_of.get("priority"), entry, name, priority, priorities)
            if condition is not None and then is not None:
                rules.append(
                    RuleSpec(name, dimension, condition, then[0], then[1], priority or 0, enabled, at)
                )
    return tuple(rules)


def _read_then(
    context: Context, node: Node | None, *, action: Action, values: Sequence[str] | None
) -> tuple[Action, str] | None:
    if node is None:
        return None
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        context.fail(node, f"'then' gives one action, e.g. {{{action}: <value>}}")
        return None
    ((key_node, value_node),) = node.value
    given = context.choice(key_node, ACTIONS, what="action")
    value = context.text(value_node, what=f"the {given or 'action'}'s value")
    if given is None or value is None:
        return None
    if given != action:
        context.fail(key_node, f"{given} does not apply here: {_WHERE_ACTIONS[given]}; here use {action}")
        return None
    if len(value) > MAX_VALUE:
        context.fail(value_node, f"a value is at most {MAX_VALUE} characters")
    if values is not None and value not in values:
        hint = nearest(value, values)
        suggestion = f"; did you mean {hint}?" if hint else f" (one of {', '.join(values)})"
        context.fail(value_node, f"unknown {action} {value!r}{suggestion}")
        return None
    return action, value


def _check_priority(
    context: Context,
    node: Node | None,
    entry: Node,
    name: str,
    priority: int | None,
    seen: dict[int, tuple[str, int]],
) -> None:
    if node is None:
        context.fail(
            entry, "give every rule of an exclusive dimension a priority: the highest that matches wins"
        )
        return
    if priority is None:
        return
    if priority in seen:
        other, line = seen[priority]
        context.fail(
            node, f"priority {priority} is also rule {other!r}'s (line {line}): each rule needs its own"
        )
        return
    seen[priority] = (name, position(node)[0])


def read_dimensions(
    context: Context, node: Node, *, fields: Mapping[str, Field], taken: Sequence[str]
) -> tuple[DimensionSpec, ...]:
    """The `dimensions:` list: each a name, a mode, labels and rules."""
    dimensions: list[DimensionSpec] = []
    names: dict[str, int] = {}
    for entry in context.sequence(node, what="dimensions"):
        with context.about("dimension"):
            fields_of = context.mapping(
                entry, required=("name", "mode", "rules"), allowed=DIMENSION_KEYS, what="a dimension"
            )
            name = context.text(fields_of.get("name"), what="a dimension's name")
        if name is None:
            continue
        with context.about(f"dimension {name}"):
            _check_dimension_name(context, fields_of["name"], name, names=names, taken=taken)
            chosen = context.choice(fields_of.get("mode"), MODES)
            label_en, label_zh = context.labels(fields_of.get("labels"))
        if chosen is None or "rules" not in fields_of:
            continue
        mode: Mode = "exclusive" if chosen == "exclusive" else "tags"
        action: Action = "group" if mode == "exclusive" else "tag"
        rules = read_rules(
            context, fields_of["rules"], dimension=name, mode=mode, action=action, values=None, fields=fields
        )
        dimensions.append(DimensionSpec(name, mode, rules, label_en, label_zh, None, position(entry)))
    return tuple(dimensions)


def _check_dimension_name(
    context: Context, node: Node, name: str, *, names: dict[str, int], taken: Sequence[str]
) -> None:
    owner = {dimension: scheme for scheme, dimension in SCHEME_DIMENSIONS.items()}
    if name in owner:
        context.fail(node, f"{name} is made by schemes.{owner[name]}: write its rules there")
    elif not IDENTIFIER.fullmatch(name):
        context.fail(node, "a dimension's name is a lower-case identifier (letters, digits, _)")
    elif name in taken or name == "customer_id":
        context.fail(node, f"{name!r} is already a metric's name")
    elif name in names:
        context.fail(node, f"the dimension {name!r} is given twice (first at line {names[name]})")
    names.setdefault(name, position(node)[0])


def _plain(node: Node) -> object:
    """A node as plain data (dicts, lists, scalars)."""
    if isinstance(node, MappingNode):
        return {Context().scalar(k): _plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    return Context().scalar(node)


def _at_path(node: Node, path: tuple[int, ...]) -> Node:
    """The node of a condition tree at a path of child indexes (as far as it goes)."""
    for index in path:
        if not isinstance(node, MappingNode):
            return node
        children = next((v for k, v in node.value if getattr(k, "value", None) == "children"), None)
        if not isinstance(children, SequenceNode) or index >= len(children.value):
            return node
        node = children.value[index]
    return node
