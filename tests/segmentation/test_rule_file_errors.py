"""A wrong rule file is refused with every problem: what it belongs to, its line and column, and a hint."""

from __future__ import annotations

import textwrap

import pytest

from stratacrm.segmentation.ruleset import RuleFileError, ruleset_read


def problems(text: str) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        ruleset_read(textwrap.dedent(text), source="rules.yaml")
    return str(caught.value).splitlines()


def at(text: str, needle: str, *, line: int) -> str:
    """`rules.yaml:LINE:COLUMN` of the first `needle` on a line of the file (both 1-based)."""
    column = textwrap.dedent(text).splitlines()[line - 1].index(needle) + 1
    return f"rules.yaml:{line}:{column}"


HIGH_VALUE = """\
dimensions:
  - name: value_group
    mode: exclusive
    rules:
      - name: high value
        when: "billed_amount_12m > 10000 AND interactions_30 > 5"
        then: {group: high_value}
        priority: 10
"""


def test_unknown_metric_names_the_rule_the_position_and_the_nearest_metric() -> None:
    assert problems(HIGH_VALUE) == [
        f"{at(HIGH_VALUE, 'interactions_30', line=6)}: rule 'high value' in dimension value_group: "
        "unknown name 'interactions_30'; did you mean interactions_30d?"
    ]


BAD_OPERATOR = """\
dimensions:
  - name: engagement
    mode: tags
    rules:
      - {name: busy, when: "interactions_30d => 5", then: {tag: busy}}
"""


def test_bad_operator_is_placed_at_the_operator() -> None:
    assert problems(BAD_OPERATOR) == [
        f"{at(BAD_OPERATOR, '=>', line=5)}: rule 'busy' in dimension engagement: "
        "cannot parse the condition near '=>': is something missing or misplaced?"
    ]


TREE = """\
dimensions:
  - name: engagement
    mode: tags
    rules:
      - name: busy
        when:
          op: AND
          children:
            - {key: interactions_30d, operator: ">", value: 5}
            - {key: complaints_90d, operator: "~", value: 1}
        then: {tag: busy}
"""


def test_unknown_operator_in_a_condition_tree_names_the_leaf() -> None:
    [problem] = problems(TREE)
    assert problem.startswith(
        f"{at(TREE, '{key: complaints_90d', line=10)}: rule 'busy' in dimension engagement: "
        "unknown operator '~'"
    )


TWICE = """\
dimensions:
  - name: engagement
    mode: tags
    rules:
      - {name: busy, when: "interactions_30d > 5", then: {tag: busy}}
      - {name: busy, when: "interactions_90d > 9", then: {tag: busier}}
"""


def test_duplicate_rule_names_point_at_the_second_and_name_the_first() -> None:
    assert problems(TWICE) == [
        f"{at(TWICE, 'busy', line=6)}: rule 'busy' in dimension engagement: "
        "the rule name 'busy' is used twice (first at line 5)"
    ]


MODE_AND_ACTION = """\
dimensions:
  - name: value_group
    mode: exclusiv
    rules: []
  - name: engagement
    mode: tags
    rules:
      - {name: busy, when: "interactions_30d > 5", then: {tagg: busy}}
"""


def test_unknown_mode_and_unknown_action_are_both_reported_with_suggestions() -> None:
    assert problems(MODE_AND_ACTION) == [
        f"{at(MODE_AND_ACTION, 'exclusiv', line=3)}: dimension value_group: "
        "unknown mode 'exclusiv'; did you mean exclusive?",
        f"{at(MODE_AND_ACTION, 'tagg', line=8)}: rule 'busy' in dimension engagement: "
        "unknown action 'tagg'; did you mean tag?",
    ]


MISPLACED = """\
dimensions:
  - name: engagement
    mode: tags
    rules:
      - {name: busy, when: "interactions_30d > 5", then: {group: busy}}
"""


def test_an_action_that_does_not_fit_the_dimension_says_where_it_belongs() -> None:
    assert problems(MISPLACED) == [
        f"{at(MISPLACED, 'group', line=5)}: rule 'busy' in dimension engagement: group does not apply here: "
        "a group is given in a dimension of mode exclusive; here use tag"
    ]


WINDOW = """\
metrics:
  - name: purchases_2w
    source: transactions
    aggregate: count
    window: 2 fortnights
"""


def test_bad_window_names_the_metric_and_the_window() -> None:
    assert problems(WINDOW) == [
        f"{at(WINDOW, '2 fortnights', line=5)}: metric 'purchases_2w': unknown window '2 fortnights'; "
        "write e.g. '30 days', '12 months' or 'months 13..24'"
    ]


COLUMN = """\
metrics:
  - {name: paid_12m, source: payments, aggregate: sum, column: amont, window: 12 months}
"""


def test_unknown_column_of_a_custom_metric_suggests_the_nearest() -> None:
    assert problems(COLUMN) == [
        f"{at(COLUMN, 'amont', line=2)}: metric 'paid_12m': "
        "payments has no column 'amont'; did you mean amount?"
    ]


def test_malformed_yaml_gives_the_line_and_column_where_reading_stopped() -> None:
    text = "dimensions:\n  - name: engagement\n    mode: tags\n   rules: []\n"
    assert problems(text) == [
        "rules.yaml:4:4: malformed YAML: expected <block end>, but found '<block mapping start>'"
    ]


PRIORITIES = """\
dimensions:
  - name: value_group
    mode: exclusive
    rules:
      - {name: big, when: "billed_amount_12m > 10000", then: {group: big}, priority: 10}
      - {name: busy, when: "interactions_30d > 5", then: {group: busy}, priority: 10}
      - {name: rest, when: "interactions_30d >= 0", then: {group: rest}}
"""


def test_exclusive_rules_need_distinct_priorities() -> None:
    assert problems(PRIORITIES) == [
        f"{at(PRIORITIES, '10', line=6)}: rule 'busy' in dimension value_group: "
        "priority 10 is also rule 'big''s (line 5): each rule needs its own",
        f"{at(PRIORITIES, '{name: rest', line=7)}: rule 'rest' in dimension value_group: "
        "give every rule of an exclusive dimension a priority: the highest that matches wins",
    ]


SCHEMES = """\
schemes:
  value_score:
    method: rfm
    monetary: {metric: billed_amount_13m}
    tiers:
      quantiles: {S: 5, A: 15, B: 30, C: 30}
  churn_risk:
    signals:
      - {name: drop, when: "kwh_drop_seasonal >= 0.3", points: -5}
    levels: {high: 60, low: 10}
"""


def test_scheme_problems_name_the_scheme_and_the_place() -> None:
    assert problems(SCHEMES) == [
        f"{at(SCHEMES, 'billed_amount_13m', line=4)}: scheme value_score: "
        "unknown name 'billed_amount_13m'; did you mean billed_amount_12m?",
        f"{at(SCHEMES, '{S: 5', line=6)}: scheme value_score: the shares add up to 80, not 100",
        f"{at(SCHEMES, '-5', line=9)}: signal 'drop' of schemes.churn_risk: points are a positive number",
        f"{at(SCHEMES, '{high', line=10)}: scheme churn_risk: "
        "thresholds fall from the best label to the last, which is 0",
    ]


TIER = """\
schemes:
  value_score:
    tiers:
      thresholds: {S: 12, A: 9, B: 0}
    rules:
      - {name: vip, when: "important_grade = 'first'", then: {tier: SS}, priority: 1}
"""


def test_unknown_tier_of_an_override_rule_suggests_the_nearest() -> None:
    assert problems(TIER) == [
        f"{at(TIER, 'SS', line=6)}: rule 'vip' in dimension value_tier: unknown tier 'SS'; did you mean S?"
    ]


def test_unknown_top_level_key_suggests_the_nearest() -> None:
    assert problems("dimension: []\n") == [
        "rules.yaml:1:1: unknown key 'dimension'; did you mean dimensions?"
    ]


OWNED = """\
dimensions:
  - {name: lifecycle, mode: exclusive, rules: []}
"""


def test_a_dimension_made_by_a_scheme_cannot_be_declared_by_hand() -> None:
    assert problems(OWNED) == [
        f"{at(OWNED, 'lifecycle', line=2)}: dimension lifecycle: "
        "lifecycle is made by schemes.lifecycle: write its rules there"
    ]


def test_an_empty_file_is_refused_rather_than_retiring_everything() -> None:
    assert problems("# nothing yet\n") == [
        "rules.yaml:1:1: the rule file is empty (write `dimensions: []` to retire every rule)"
    ]
