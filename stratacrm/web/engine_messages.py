"""The grading engine's refusals in the user's language.

The engine (plain Python, no Django) raises `ConditionError`s with an English message for the command
line, a message `code` and its `params`. Here each code has its sentence for gettext; the values a
sentence names (metric names, operators, the text quoted back) stay as written, and the kind of a name
("a number", "text") is translated too. A code without a sentence here shows the English message.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stratacrm.segmentation.conditions import ConditionError

MESSAGES: dict[str, Promise] = {
    "unknown_name": _("unknown name “%(name)s”"),
    "invalid_name": _("“%(name)s” is not a valid name (lower-case letters, digits, _)"),
    "unknown_operator": _("unknown operator “%(operator)s”; use one of %(allowed)s"),
    "operator_not_for_kind": _("%(name)s is %(kind)s: %(operator)s does not apply (use %(allowed)s)"),
    "value_not_of_kind": _("%(name)s is %(kind)s: “%(value)s” is not"),
    "no_such_value": _("%(name)s has no value “%(value)s”"),
    "not_a_number": _("%(name)s is %(kind)s, not a number"),
    "between_order": _("between needs the low value first: %(high)s before %(low)s"),
    "between_two": _("between needs two values: the low one, then the high one"),
    "not_finite": _("a value must be a finite number, not %(value)s"),
    "bad_value": _("a value must be text, a number or true/false"),
    "no_value": _("%(operator)s takes no value"),
    "needs_list": _("%(operator)s needs a list of values"),
    "list_size": _("%(operator)s needs 1 to %(most)s values"),
    "needs_text": _("%(operator)s needs non-empty text"),
    "negated_boolean": _("“not” must be true or false"),
    "group_op": _("a group is AND or OR, not “%(op)s”"),
    "group_empty": _("a group needs at least one condition"),
    "group_children": _("a group holds only groups and conditions"),
    "children_list": _("a group needs a list of conditions"),
    "not_an_object": _("the builder sent a condition of the wrong shape"),
    "unexpected_field": _("unexpected field “%(field)s”; a condition has %(allowed)s"),
    "too_deep": _("conditions nest at most %(most)s deep"),
    "too_large": _("the condition is too large"),
    "not_json": _("the builder sent a condition that is not JSON"),
    "text_too_long": _("a condition is at most %(most)s characters"),
    "empty": _("the condition is empty"),
    "open_quote": _("cannot read the condition: is a quote not closed?"),
    "semicolon": _("one condition only: “;” is not allowed"),
    "comment": _("comments are not allowed in a condition"),
    "parse": _("cannot read the condition: is something missing or misplaced?"),
    "parse_near": _("cannot read the condition near “%(near)s”: is something missing or misplaced?"),
    "subquery": _("subqueries are not allowed"),
    "is_null_only": _("only IS NULL and IS NOT NULL are allowed after IS"),
    "null_comparison": _("compare with NULL using %(spelled)s"),
    "double_quotes": _("“%(name)s” in double quotes is read as a name: put text in single quotes"),
    "two_names": _("compare a name with a value; comparing two names is not supported"),
    "expected_name": _("expected a name here, e.g. amount_12m"),
    "qualified_name": _("qualified names are not allowed: %(name)s"),
    "expected_value": _("expected a value here: a number, 'text', TRUE or FALSE"),
    "like": _("LIKE is not supported; use contains(name, 'text') or starts_with(name, 'text')"),
    "arithmetic": _("arithmetic is not allowed in a condition; define a metric for the value you need"),
    "function": _("functions are not allowed: %(name)s"),
    "needs_name": _("a condition needs a name, e.g. amount_12m > 0"),
    "not_allowed": _("not allowed in a condition: %(text)s"),
}
KIND_WORDS: dict[str, Promise] = {
    "integer": _("a whole number"),
    "number": _("a number"),
    "text": _("text"),
    "boolean": _("true or false"),
    "date": _("a date"),
    "datetime": _("a time"),
}


def engine_message(error: ConditionError) -> str:
    """The error's message (without position or suggestion) in the current language."""
    sentence = MESSAGES.get(error.code)
    if sentence is None:
        return error.message
    params = {key: str(value) for key, value in error.params.items()}
    if "kind" in params:
        params["kind"] = str(KIND_WORDS.get(params["kind"], params["kind"]))
    try:
        return str(sentence) % params
    except (KeyError, TypeError, ValueError):
        return error.message


def engine_problem(error: Exception) -> str:
    """An engine refusal as one sentence in the current language, with the suggestion if there is one
    (an error that is not the engine's own shows as it is)."""
    if not isinstance(error, ConditionError):
        return str(error)
    message = engine_message(error)
    if error.suggestion is None:
        return message
    return gettext("%(message)s; did you mean %(suggestion)s?") % {
        "message": message,
        "suggestion": error.suggestion,
    }
