"""Every rule the database states as a CHECK constraint is also found by the loader's checks, row by row.

The loader lets SQLite skip the CHECK constraints its checks evaluated (they would call back into Python
for every row), so each constraint of a loaded model needs a case here proving the checks catch it.
"""

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.apps import apps
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from stratacrm.ingest.loader import LoadError, load_directory
from stratacrm.ingest.loader.targets import target_for
from stratacrm.ingest.loader.validation import _positions, checked_in_full
from stratacrm.ingest.tables import STAFF, TABLES
from tests.ingest.dataset import at, dataset, only_customers, write_dataset

# constraint name: (file, row index, values that break it)
CASES: dict[str, tuple[str, int, dict[str, Any]]] = {
    "customer_type_valid": ("customers", 0, {"customer_type": "alien"}),
    "customer_status_valid": ("customers", 1, {"status": "asleep"}),
    "customer_account_number_not_blank": ("customers", 2, {"account_number": ""}),
    "customer_name_not_blank": ("customers", 0, {"name": ""}),
    "customer_updated_after_created": ("customers", 1, {"updated_at": at(1)}),
    "meter_capacity_positive": ("meters", 0, {"contracted_capacity_kva": 0.0}),
    "meter_tariff_valid": ("meters", 1, {"tariff_category": "free"}),
    "meter_voltage_valid": ("meters", 2, {"voltage_level": "9000kv"}),
    "meter_closed_after_opened": ("meters", 3, {"closed_on": dt.date(2019, 1, 1)}),
    "consumption_parts_not_negative": ("consumption", 0, {"kwh_peak": -1.0, "kwh_total": 49.25}),
    "consumption_total_is_sum_of_parts": ("consumption", 1, {"kwh_total": 61.6}),
    "consumption_period_first_of_month": ("consumption", 2, {"period": dt.date(2024, 3, 2)}),
    "bill_amount_not_negative": ("bills", 0, {"amount": -0.01}),
    "bill_due_after_issue": ("bills", 1, {"due_date": dt.date(2024, 1, 1)}),
    "bill_period_first_of_month": ("bills", 2, {"period": dt.date(2024, 3, 31)}),
    "payment_amount_positive": ("payments", 0, {"amount": 0.0}),
    "transaction_quantity_positive": ("transactions", 0, {"quantity": 0.0}),
    "transaction_amount_not_negative": ("transactions", 1, {"amount": -5.0}),
    "interaction_channel_valid": ("interactions", 0, {"channel": "pigeon"}),
    "interaction_direction_valid": ("interactions", 1, {"direction": "sideways"}),
    "ticket_kind_valid": ("tickets", 0, {"kind": "alien"}),
    "ticket_resolved_after_opened": ("tickets", 0, {"resolved_at": at(11)}),
    "ticket_closed_has_resolution_time": ("tickets", 0, {"resolved_at": None}),
    "ticket_sla_after_opened": ("tickets", 1, {"sla_due_at": at(13)}),
    "survey_csat_range": ("survey_responses", 0, {"csat": 6}),
    "survey_nps_range": ("survey_responses", 1, {"nps": 11}),
    "survey_has_a_score": ("survey_responses", 0, {"csat": None}),
}


def loaded_check_constraints() -> set[str]:
    found = set()
    for spec in TABLES:
        if spec is STAFF:  # users are created through the ORM, with a role from Role
            continue
        model = apps.get_model(spec.model)
        found |= {c.name for c in model._meta.constraints if isinstance(c, models.CheckConstraint)}
    return found


def test_every_check_constraint_of_a_loaded_model_has_a_case() -> None:
    assert set(CASES) == loaded_check_constraints()


def test_every_loaded_table_is_checked_in_full() -> None:
    assert all(checked_in_full(target=target_for(spec=spec)) for spec in TABLES if spec is not STAFF)


@pytest.mark.django_db
@pytest.mark.parametrize("constraint", sorted(CASES))
def test_checks_catch_what_the_constraint_forbids(tmp_path: Path, constraint: str) -> None:
    table, index, values = CASES[constraint]
    rows = dataset()
    rows[table][index].update(values)

    with pytest.raises(LoadError) as caught:
        load_directory(path=write_dataset(directory=tmp_path, rows=rows))

    assert {(p.file, p.row) for p in caught.value.problems} == {(f"{table}.parquet", index + 1)}


@pytest.mark.django_db(transaction=True)
def test_a_small_load_into_a_bigger_table_keeps_its_indexes_and_still_checks_keys(tmp_path: Path) -> None:
    load_directory(path=write_dataset(directory=tmp_path / "a", rows=dataset(prefix="A")))
    small = only_customers(dataset(prefix="B"), ids={1})
    report = load_directory(path=write_dataset(directory=tmp_path / "b", rows=small))
    assert report.rows_of("customers") == 1 and report.rows_of("consumption") == 6

    again = only_customers(dataset(prefix="C"), ids={1})
    again["bills"][1]["period"] = again["bills"][0]["period"]  # one bill per customer and month
    with pytest.raises(LoadError, match="activity_bill"):
        load_directory(path=write_dataset(directory=tmp_path / "c", rows=again))


@given(
    st.integers(-5, 5),
    st.integers(0, 8),
    st.lists(st.one_of(st.none(), st.integers(-8, 16)), max_size=20),
    st.booleans(),
)
def test_a_references_position_among_dense_ids_is_the_hashed_lookups(
    low: int, size: int, values: list[int | None], shuffled: bool
) -> None:
    """A dense range of parent ids finds each reference's row by subtraction; any other ids by hashing:
    the same positions, missing where the id is unknown."""
    known = list(range(low, low + size))
    if shuffled:
        known.reverse()
    ids, refs = pa.array(known, pa.int64()), pa.array(values, pa.int64())
    assert _positions(refs, ids).to_pylist() == pc.index_in(refs, value_set=ids).to_pylist()
