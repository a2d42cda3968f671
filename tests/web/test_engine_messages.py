"""The grading engine's refusals reach the pages in the user's language; the command line stays English."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from stratacrm.accounts.models import Role
from stratacrm.segmentation.conditions import ConditionError
from stratacrm.segmentation.library import BUILTIN_CATALOG
from stratacrm.segmentation.ruleset import ruleset_read_file
from stratacrm.segmentation.services import rule_set_load
from stratacrm.segmentation.text import parse
from stratacrm.web.engine_messages import MESSAGES, engine_message, engine_problem

from .conftest import EXAMPLES

FIELDS = BUILTIN_CATALOG.fields


@pytest.fixture
def rules(db: None) -> None:
    rule_set_load(document=ruleset_read_file(EXAMPLES / "utility.yaml"), user=None)


def refusal(text: str) -> ConditionError:
    with pytest.raises(ConditionError) as caught:
        parse(text, fields=FIELDS)
    return caught.value


def check_in_chinese(client: Client, **fields: str) -> str:
    data = {"dimension": "service_flags", "mode": "text", **fields}
    return client.post("/rules/check/", data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


@pytest.mark.django_db
def test_a_type_mismatch_from_the_builder_reads_in_chinese(
    signed_in: Callable[..., Client], rules: None
) -> None:
    tree = {"op": "AND", "children": [{"key": "customer_type", "operator": ">", "value": 1}]}
    page = check_in_chinese(
        signed_in(Role.MARKETING_MANAGER), mode="builder", condition_json=json.dumps(tree)
    )
    assert "customer_type 是文本,不能使用 &gt;" in page
    assert "does not apply" not in page


@pytest.mark.django_db
def test_a_refused_function_and_a_bad_value_read_in_chinese(
    signed_in: Callable[..., Client], rules: None
) -> None:
    client = signed_in(Role.MARKETING_MANAGER)
    assert "不允许使用函数:abs" in check_in_chinese(client, condition_text="abs(complaints_12m) > 1")
    page = check_in_chinese(client, condition_text="complaints_12m = 'many'")
    assert "complaints_12m 是整数,而“many”不是" in page
    assert "此处应为取值" in check_in_chinese(client, condition_text="complaints_12m > (1)")
    unknown = check_in_chinese(client, condition_text="complaints_12 >= 3")
    assert "未知名称“complaints_12”" in unknown and 'data-replace-text="complaints_12"' in unknown


@pytest.mark.django_db
def test_the_preview_form_names_the_condition_problem_in_chinese(
    signed_in: Callable[..., Client], rules: None
) -> None:
    data = {
        "dimension": "service_flags",
        "original": "repeat complainer",
        "value": "repeat_complainer",
        "priority": "0",
        "enabled": "on",
        "mode": "text",
        "condition_text": "complaints_12m + 1 > 3",
    }
    client = signed_in(Role.MARKETING_MANAGER)
    page = client.post("/rules/service_flags/preview/", data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "条件中不允许做算术运算" in page and "arithmetic" not in page


def test_the_engine_keeps_english_for_the_command_line() -> None:
    error = refusal("consumption_band = 'hihg'")
    assert str(error) == "consumption_band has no value 'hihg'; did you mean 'high'? (at position 0)"
    with translation.override("zh-hans"):
        assert engine_problem(error) == "consumption_band 没有取值“hihg”;您是否要写 'high'?"
        assert str(refusal("complaints_12m LIKE 'x'")).startswith("LIKE is not supported")
    with translation.override("en"):
        assert engine_message(error) == "consumption_band has no value “hihg”"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a = 1; b = 2",
        "complaints_12m > 'x",
        "complaints_12m >",
        "x.complaints_12m > 1",
        "complaints_12m = NULL",
        'customer_type = "commercial"',
        "complaints_12m > interactions_30d",
        "complaints_12m IN (SELECT 1)",
        "1 > 0",
        "complaints_12m BETWEEN 5 AND 1",
    ],
)
def test_every_text_refusal_has_a_sentence_in_chinese(text: str) -> None:
    error = refusal(text)
    assert error.code in MESSAGES, error
    with translation.override("zh-hans"):
        translated = engine_message(error)
    assert translated != error.message and any("\u4e00" <= c <= "\u9fff" for c in translated)
