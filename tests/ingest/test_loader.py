"""The bulk loader: a directory of interchange files goes into the database whole, or not at all."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.apps import apps
from django.db.models import Sum
from typer.testing import CliRunner

from stratacrm.accounts.models import Role, User
from stratacrm.activity.models import Bill, Consumption, Interaction, Payment, Transaction
from stratacrm.cli import app
from stratacrm.customers.models import Customer, UtilityAccount
from stratacrm.ingest.loader import LoadError, Problem, load_directory
from stratacrm.service.models import SurveyResponse, Ticket
from tests.ingest.dataset import at, dataset, write_dataset

loads = pytest.mark.django_db(transaction=True)
APPS = ("accounts", "customers", "activity", "service")


def counts() -> dict[str, int]:
    """Rows in every table of the domain apps: 'exactly as before' compares these."""
    return {
        m._meta.label: m._default_manager.count() for a in APPS for m in apps.get_app_config(a).get_models()
    }


def total(rows: list[dict[str, Any]], column: str) -> Decimal:
    return sum((Decimal(str(r[column])) for r in rows), Decimal(0))


def message_of(constraint: str) -> str:
    found = (c for a in APPS for m in apps.get_app_config(a).get_models() for c in m._meta.constraints)
    return str(next(c.violation_error_message for c in found if c.name == constraint))


def problem_at(error: LoadError, *, file: str, column: str) -> Problem:
    return next(p for p in error.problems if p.file == file and p.column == column)


@loads
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_round_trip_keeps_counts_sums_times_and_owners(tmp_path: Path, fmt: str) -> None:
    rows = dataset()
    report = load_directory(path=write_dataset(directory=tmp_path, rows=rows, fmt=fmt))

    expected = {name: len(table_rows) for name, table_rows in rows.items()}
    assert {t.table: t.rows for t in report.tables} == expected
    assert Customer.objects.count() == 3 and UtilityAccount.objects.count() == 4
    assert Consumption.objects.count() == 12 and Bill.objects.count() == 9 and Payment.objects.count() == 10
    assert Transaction.objects.count() == 2 and Interaction.objects.count() == 3
    assert Ticket.objects.count() == 2 and SurveyResponse.objects.count() == 2
    assert Consumption.objects.aggregate(s=Sum("kwh_total"))["s"] == total(rows["consumption"], "kwh_total")
    assert Bill.objects.aggregate(s=Sum("amount"))["s"] == total(rows["bills"], "amount")
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == total(rows["payments"], "amount")

    first = Customer.objects.get(account_number="A000001")
    assert first.created_at == at(2, micro=123456)
    assert first.updated_at == at(3, micro=123456)
    assert first.owner is not None and first.owner.username == "li.wei"
    assert Customer.objects.get(account_number="A000003").owner is None
    assert first.contact_form_filled and first.version == 1
    meter = UtilityAccount.objects.get(meter_number="A-M2")
    assert meter.opened_on == dt.date(2020, 1, 2) and meter.closed_on is None and meter.time_of_use
    assert meter.contracted_capacity_kva == Decimal("16.00")
    ticket = Ticket.objects.get(ticket_number="A-T1")
    assert (ticket.opened_at, ticket.resolved_at) == (at(12), at(12, 15))
    assert Transaction.objects.get(product="transformer check").occurred_at == at(6, micro=5)
    assert Interaction.objects.filter(content='asked about "peak" hours,\nthen hung up').count() == 3
    assert Payment.objects.filter(bill__isnull=True, channel="").count() == 1
    assert Ticket.objects.get(ticket_number="A-T2").subject == ""

    staff = User.objects.get(username="li.wei")
    assert staff.role == Role.ACCOUNT_MANAGER and not staff.has_usable_password()
    assert (staff.team, staff.region) == ("east", "Hangzhou")


@loads
def test_decimals_and_dates_read_back_exactly(tmp_path: Path) -> None:
    rows = dataset()
    load_directory(path=write_dataset(directory=tmp_path, rows=rows))

    bill = Bill.objects.get(customer__account_number="A000002", period=dt.date(2024, 2, 1))
    assert bill.amount == Decimal("111.20") and bill.kwh == Decimal("200.00")
    assert bill.issued_on == dt.date(2024, 3, 7) and bill.due_date == dt.date(2024, 3, 22)
    assert Bill.objects.filter(period=dt.date(2024, 3, 1)).count() == 3
    assert Customer.objects.filter(created_at=at(3)).count() == 1


@loads
def test_second_load_shifts_ids_and_keeps_references(tmp_path: Path) -> None:
    load_directory(path=write_dataset(directory=tmp_path / "a", rows=dataset(prefix="A")))
    first_ids = set(Customer.objects.values_list("id", flat=True))

    report = load_directory(path=write_dataset(directory=tmp_path / "b", rows=dataset(prefix="B")))

    assert report.rows_of("staff") == 0  # the account managers exist already
    assert User.objects.count() == 2 and Customer.objects.count() == 6
    second = Customer.objects.filter(account_number__startswith="B")
    assert not first_ids & set(second.values_list("id", flat=True))
    for prefix in "AB":
        assert sorted(
            UtilityAccount.objects.filter(meter_number__startswith=f"{prefix}-").values_list(
                "meter_number", "customer__account_number"
            )
        ) == [
            (f"{prefix}-M1", f"{prefix}000001"),
            (f"{prefix}-M2", f"{prefix}000001"),
            (f"{prefix}-M3", f"{prefix}000002"),
            (f"{prefix}-M4", f"{prefix}000003"),
        ]
    for consumption in Consumption.objects.select_related("meter"):
        assert consumption.meter.customer_id == consumption.customer_id
    for payment in Payment.objects.filter(bill__isnull=False).select_related("bill"):
        assert payment.bill is not None and payment.bill.customer_id == payment.customer_id
    assert Ticket.objects.get(ticket_number="B-T2").customer.account_number == "B000002"
    # The database's own ids continue after the loaded ones.
    added = Customer.objects.create(
        account_number="X1", name="x", customer_type="business", created_at=at(1), updated_at=at(1)
    )
    assert added.id > max(second.values_list("id", flat=True))


@loads
def test_bad_value_in_the_last_table_refuses_the_load_and_names_the_row(tmp_path: Path) -> None:
    load_directory(path=write_dataset(directory=tmp_path / "a", rows=dataset(prefix="A")))
    before = counts()
    rows = dataset(prefix="B")
    rows["survey_responses"][1]["nps"] = 11

    with pytest.raises(LoadError) as caught:
        load_directory(path=write_dataset(directory=tmp_path / "b", rows=rows))

    problem = problem_at(caught.value, file="survey_responses.parquet", column="nps")
    assert problem.row == 2 and problem.value == 11 and problem.reason == message_of("survey_nps_range")
    assert caught.value.total == 1
    assert counts() == before


@loads
def test_duplicate_key_only_the_database_sees_rolls_everything_back(tmp_path: Path) -> None:
    load_directory(path=write_dataset(directory=tmp_path / "a", rows=dataset(prefix="A")))
    before = counts()
    rows = dataset(prefix="B")
    rows["tickets"][1]["ticket_number"] = "A-T1"  # new in the file, taken in the database

    with pytest.raises(LoadError) as caught:
        load_directory(path=write_dataset(directory=tmp_path / "b", rows=rows))

    message = str(caught.value)
    assert "service_ticket" in message and "ticket_number" in message
    assert caught.value.problems[0].file == "tickets.parquet"
    assert counts() == before


@loads
def test_crash_part_way_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    load_directory(path=write_dataset(directory=tmp_path / "a", rows=dataset(prefix="A")))
    before = counts()

    def crash(done: int, total: int | None = None, description: str | None = None) -> None:
        if description == "survey_responses":
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        load_directory(path=write_dataset(directory=tmp_path / "b", rows=dataset(prefix="B")), progress=crash)
    assert counts() == before


@loads
def test_each_kind_of_bad_value_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    rows = dataset()
    rows["customers"][1]["customer_type"] = "alien"
    rows["customers"][2]["account_number"] = "A000001"
    rows["customers"][0]["name"] = None
    rows["customers"][2]["owner"] = "nobody"
    rows["meters"][3]["customer_id"] = 99
    rows["consumption"][4]["period"] = dt.date(2024, 2, 15)
    rows["consumption"][5]["kwh_total"] = 1.0
    rows["bills"][0]["amount"] = float("nan")
    rows["tickets"][0]["resolved_at"] = None
    rows["interactions"][2]["subject"] = "x" * 201

    with pytest.raises(LoadError) as caught:
        load_directory(path=write_dataset(directory=tmp_path, rows=rows))

    error = caught.value
    found = {(p.file, p.row, p.column) for p in error.problems}
    assert found >= {
        ("customers.parquet", 2, "customer_type"),
        ("customers.parquet", 1, "account_number"),
        ("customers.parquet", 3, "account_number"),
        ("customers.parquet", 1, "name"),
        ("customers.parquet", 3, "owner"),
        ("meters.parquet", 4, "customer_id"),
        ("consumption.parquet", 5, "period"),
        ("consumption.parquet", 6, "kwh_flat, kwh_offpeak, kwh_peak, kwh_total"),
        ("bills.parquet", 1, "amount"),
        ("tickets.parquet", 1, "resolved_at, status"),
        ("interactions.parquet", 3, "subject"),
    }
    assert "not one of" in problem_at(error, file="customers.parquet", column="customer_type").reason
    assert problem_at(error, file="customers.parquet", column="owner").value == "nobody"
    assert error.total == len(error.problems)
    assert counts() == dict.fromkeys(counts(), 0)


@loads
def test_a_payment_or_reading_of_another_customers_bill_or_meter_is_refused(tmp_path: Path) -> None:
    """As the services refuse them: a payment may only pay a bill of its own customer, and a reading
    only come from a meter of its own customer."""
    rows = dataset()
    rows["payments"][0]["customer_id"] = 3  # bill 1 is customer 1's
    rows["consumption"][1]["customer_id"] = 2  # meter 1 is customer 1's
    rows["payments"][2]["bill_id"] = 999  # unknown: reported as such, not as another customer's

    with pytest.raises(LoadError) as caught:
        load_directory(path=write_dataset(directory=tmp_path, rows=rows))

    error = caught.value
    found = {(p.file, p.row, p.column, p.reason) for p in error.problems}
    assert found == {
        (
            "payments.parquet",
            1,
            "bill_id",
            "refers to a row of the bills file that belongs to another customer",
        ),
        (
            "consumption.parquet",
            2,
            "meter_id",
            "refers to a row of the meters file that belongs to another customer",
        ),
        ("payments.parquet", 3, "bill_id", "refers to an id the bills file does not hold"),
    }
    assert {(p.row, p.value) for p in error.problems if p.file == "payments.parquet"} == {(1, 1), (3, 999)}
    assert counts() == dict.fromkeys(counts(), 0)


@loads
def test_a_missing_required_value_is_one_problem(tmp_path: Path) -> None:
    rows = dataset()
    rows["customers"][0]["customer_type"] = None
    with pytest.raises(LoadError) as caught:
        load_directory(path=write_dataset(directory=tmp_path, rows=rows))
    assert [(p.row, p.column, p.reason) for p in caught.value.problems] == [
        (1, "customer_type", "is required")
    ]


@loads
def test_missing_and_unknown_columns_are_named(tmp_path: Path) -> None:
    directory = write_dataset(directory=tmp_path, rows=dataset())
    meters = pq.read_table(directory / "meters.parquet")
    pq.write_table(
        meters.drop_columns(["voltage_level"]).append_column("colour", meters["meter_number"]),
        directory / "meters.parquet",
    )

    with pytest.raises(LoadError) as caught:
        load_directory(path=directory)

    assert {(p.file, p.column, p.reason) for p in caught.value.problems} == {
        ("meters.parquet", "colour", "unknown column"),
        ("meters.parquet", "voltage_level", "missing column"),
    }
    assert Customer.objects.count() == 0


@loads
def test_optional_files_may_be_missing_but_customers_may_not(tmp_path: Path) -> None:
    rows = dataset()
    only = {name: rows[name] for name in ("customers", "staff")}
    report = load_directory(path=write_dataset(directory=tmp_path / "some", rows=only))
    assert report.rows_of("customers") == 3 and report.rows_of("bills") == 0

    with pytest.raises(LoadError, match="customers file is required"):
        load_directory(path=write_dataset(directory=tmp_path / "none", rows={"staff": rows["staff"]}))


@loads
def test_an_owner_may_be_a_user_already_in_the_database(tmp_path: Path) -> None:
    User.objects.create_user(username="boss", role=Role.MARKETING_MANAGER)
    rows = dataset()
    rows["customers"][2]["owner"] = "boss"
    load_directory(path=write_dataset(directory=tmp_path, rows=rows))
    assert Customer.objects.get(account_number="A000003").owner == User.objects.get(username="boss")


@loads
def test_cli_loads_a_directory_and_prints_rows_per_second(tmp_path: Path) -> None:
    directory = write_dataset(directory=tmp_path, rows=dataset())
    result = CliRunner().invoke(app, ["load", str(directory)])
    assert result.exit_code == 0, result.output
    assert "consumption" in result.output and "rows/s" in result.output
    assert Consumption.objects.count() == 12


@loads
def test_cli_prints_problems_and_fails(tmp_path: Path) -> None:
    rows = dataset()
    rows["tickets"][1]["kind"] = "alien"
    result = CliRunner().invoke(app, ["load", str(write_dataset(directory=tmp_path, rows=rows))])
    assert result.exit_code != 0
    assert "tickets.parquet row 2 column kind" in result.output
    assert Customer.objects.count() == 0


@loads
def test_a_load_is_one_audit_entry_and_a_refused_load_none(tmp_path: Path) -> None:
    from stratacrm.accounts.models import AuditEntry

    directory = write_dataset(directory=tmp_path, rows=dataset(), fmt="parquet")
    before = AuditEntry.objects.count()
    report = load_directory(path=directory)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry is not None and entry.action == "data.load" and entry.after is not None
    assert entry.after["rows"]["customers"] == next(t.rows for t in report.tables if t.table == "customers")
    with pytest.raises(LoadError):
        load_directory(path=directory)  # the same account numbers again: refused whole
    assert AuditEntry.objects.count() == before + 1
