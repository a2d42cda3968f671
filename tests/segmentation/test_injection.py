"""Values never become SQL: hostile text compiles to a bound parameter and matches only itself."""

from __future__ import annotations

import pytest

from stratacrm.segmentation.compiler import DIALECTS, compile_plan, render_condition
from stratacrm.segmentation.conditions import ConditionError, Leaf, from_json
from stratacrm.segmentation.library import BUILTIN_CATALOG
from stratacrm.segmentation.sources import OPERATIONAL_TABLES
from stratacrm.segmentation.text import parse

from . import dataset
from .engines import Engine

HOSTILE = [
    "0 OR 1=1",
    "x'); DROP TABLE customers_customer; --",
    "' OR '1'='1",
    '"; DELETE FROM activity_bill; --',
    "%(v1)s $1 :v1 ?",
    "\\'; SELECT pg_sleep(5); --",
]


def _count(engine: Engine, where: object) -> int:
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=[], where=where)  # type: ignore[arg-type]
    return len(engine.run(plan, catalog=BUILTIN_CATALOG))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_matches_no_one_and_breaks_nothing(engine: Engine, value: str) -> None:
    for where in (
        Leaf("district", "=", value),
        Leaf("city", "in", (value, "Nowhere")),
        from_json({"key": "customer_type", "operator": "=", "value": value}),
        parse("city = " + "'" + value.replace("'", "''") + "'", fields=BUILTIN_CATALOG.fields),
    ):
        assert _count(engine, where) == 0
    assert _count(engine, Leaf("city", "!=", value)) == 10  # the honest answer: every customer with a city
    assert _count(engine, Leaf("customer_type", "is_not_null")) == len(dataset.CUSTOMER_IDS)


def test_the_stored_hostile_text_matches_exactly_its_customer(engine: Engine) -> None:
    stored = "x'); DROP TABLE customers_customer; --"
    assert _count(engine, Leaf("industry", "=", stored)) == 1
    assert _count(engine, parse("contains(industry, 'DROP TABLE')", fields=BUILTIN_CATALOG.fields)) == 1
    assert _count(engine, Leaf("industry", "starts_with", "x');")) == 1
    assert (
        _count(engine, Leaf("industry", "contains", "%")) == 0
    )  # no wildcard: a percent sign is a percent sign
    assert _count(engine, Leaf("city", "contains", "_")) == 0
    assert _count(engine, Leaf("industry", "contains", "_")) == 1  # customers_customer


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_is_not_in_the_sql_text(dialect: str, value: str) -> None:
    query = render_condition(Leaf("city", "=", value), catalog=BUILTIN_CATALOG, dialect=dialect)  # type: ignore[arg-type]
    assert value not in query.sql
    assert list(query.params.values()) == [value]
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=[], where=Leaf("city", "contains", value))
    rendered = plan.render(dialect=dialect, tables=OPERATIONAL_TABLES, as_of=dataset.AS_OF)  # type: ignore[arg-type]
    assert value not in rendered.sql and value in rendered.params.values()


def test_a_number_field_does_not_take_text() -> None:
    with pytest.raises(ConditionError, match="is a number"):
        compile_plan(catalog=BUILTIN_CATALOG, where=Leaf("amount_12m", ">", "0 OR 1=1"))


def test_table_names_must_be_names() -> None:
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=["interactions_30d"])
    tables = dict(OPERATIONAL_TABLES) | {"interactions": "activity_interaction; DROP TABLE x"}
    with pytest.raises(ValueError, match="is not a table name"):
        plan.render(dialect="sqlite", tables=tables, as_of=dataset.AS_OF)
    with pytest.raises(ValueError, match="no table given for source 'interactions'"):
        plan.render(dialect="sqlite", tables={"customers": "customers_customer"}, as_of=dataset.AS_OF)


def test_customer_ids_must_be_integers() -> None:
    plan = compile_plan(catalog=BUILTIN_CATALOG, metrics=[])
    with pytest.raises(TypeError, match="integers"):
        hostile: list = ["1 OR 1=1"]
        plan.render(dialect="sqlite", tables=OPERATIONAL_TABLES, as_of=dataset.AS_OF, customer_ids=hostile)
