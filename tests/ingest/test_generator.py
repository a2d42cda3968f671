"""The workload generator: schema, valid values, shapes (seasonality, drift, lateness), determinism."""

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from stratacrm.activity.choices import ActivityKind, Direction, PaymentChannel
from stratacrm.cli import generate as generate_command  # noqa: F401  (registers the command)
from stratacrm.cli.app import app
from stratacrm.customers.choices import (
    BillingScheme,
    Channel,
    CreditGrade,
    CustomerSize,
    CustomerStatus,
    CustomerType,
    ImportantUserGrade,
    SourceChannel,
    TariffCategory,
    VoltageLevel,
)
from stratacrm.ingest.generator import generate
from stratacrm.ingest.generator.window import default_end_month
from stratacrm.ingest.tables import TABLES
from stratacrm.service.choices import TicketKind, TicketPriority, TicketStatus

N = 30_000
SMALL = 3_000
END = dt.date(2025, 12, 1)
NAMES = [t.name for t in TABLES]


def read(out: Path, name: str) -> pa.Table:
    return pq.read_table(out / f"{name}.parquet")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("utility")
    generate(customers=N, seed=7, end_month=END, out_dir=path)
    return path


@pytest.fixture(scope="module")
def db(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for name in [*NAMES, "labels"]:
        con.execute(f"create view {name} as select * from read_parquet('{out / name}.parquet')")
    return con


def one(db: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small")
    generate(customers=SMALL, seed=3, end_month=END, out_dir=path)
    return path


def test_every_table_has_its_file_with_the_exact_schema(out):
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["customers"] == N and manifest["seed"] == 7 and manifest["end_month"] == "2025-12-01"
    for spec in TABLES:
        table = read(out, spec.name)
        assert table.schema.equals(spec.schema), spec.name
        assert manifest["rows"][spec.name] == table.num_rows
    assert read(out, "labels").num_rows == N


def test_volumes_per_customer(out, db):
    rows = json.loads((out / "manifest.json").read_text())["rows"]
    assert rows["staff"] == max(5, round(N * 0.15 / 400))
    assert 0.95 * N <= rows["meters"] <= 1.05 * N
    assert 20 * N <= rows["consumption"] <= 24 * N * 1.05
    assert 20 * N <= rows["bills"] <= 24 * N
    assert 0.95 * rows["bills"] <= rows["payments"] <= rows["bills"]
    assert 4.0 * N <= rows["interactions"] <= 6.5 * N
    assert 0.2 * N <= rows["tickets"] <= 0.45 * N
    assert 0.06 * N <= rows["survey_responses"] <= 0.16 * N
    assert 0.01 * N <= rows["transactions"] <= 0.05 * N
    non_residential_share = one(
        db,
        "select avg((c.customer_type <> 'residential')::int) from transactions t"
        " join customers c on c.id = t.customer_id",
    )[0]
    assert non_residential_share > 0.6


def test_customer_type_shares(db):
    shares = dict(
        db.execute(
            "select customer_type, count(*) / sum(count(*)) over () from customers group by 1"
        ).fetchall()
    )
    expected = {
        "residential": 0.85,
        "commercial": 0.10,
        "industrial": 0.03,
        "agricultural": 0.012,
        "public_institution": 0.008,
    }
    for kind, share in expected.items():
        assert abs(shares[kind] - share) <= 0.02, kind


def test_prospects_filled_the_form_and_have_no_meters(db):
    share, form, website = one(
        db,
        "select avg((status = 'prospect')::int), bool_and(contact_form_filled) filter (status = 'prospect'),"
        " bool_and(source_channel = 'website') filter (status = 'prospect') from customers",
    )
    assert 0.01 <= share <= 0.03 and form and website
    assert (
        one(
            db,
            "select count(*) from meters m join customers c on c.id = m.customer_id"
            " where c.status = 'prospect'",
        )[0]
        == 0
    )
    other_forms = one(db, "select avg(contact_form_filled::int) from customers where status <> 'prospect'")[0]
    assert 0.03 <= other_forms <= 0.07


CHOICES = [
    ("customers", "customer_type", CustomerType, False),
    ("customers", "size", CustomerSize, True),
    ("customers", "status", CustomerStatus, False),
    ("customers", "preferred_channel", Channel, True),
    ("customers", "source_channel", SourceChannel, True),
    ("customers", "credit_grade", CreditGrade, True),
    ("customers", "important_grade", ImportantUserGrade, False),
    ("meters", "tariff_category", TariffCategory, False),
    ("meters", "voltage_level", VoltageLevel, False),
    ("meters", "billing_scheme", BillingScheme, False),
    ("payments", "channel", PaymentChannel, True),
    ("interactions", "channel", Channel, False),
    ("interactions", "activity", ActivityKind, True),
    ("interactions", "direction", Direction, False),
    ("tickets", "kind", TicketKind, False),
    ("tickets", "priority", TicketPriority, False),
    ("tickets", "status", TicketStatus, False),
]


@pytest.mark.parametrize(("table", "column", "choices", "blank"), CHOICES)
def test_values_are_valid_choices(out, table, column, choices, blank):
    values = set(pc.unique(read(out, table)[column]).to_pylist())
    allowed = set(choices.values) | ({""} if blank else set())
    assert values <= allowed, values - allowed


NULLABLE = {
    ("customers", "owner"),
    ("meters", "closed_on"),
    ("payments", "bill_id"),
    ("tickets", "resolved_at"),
}
NULLABLE |= {("survey_responses", "csat"), ("survey_responses", "nps"), ("labels", "drift_start")}


@pytest.mark.parametrize("name", [*NAMES, "labels"])
def test_only_optional_columns_have_nulls(out, name):
    table = read(out, name)
    for column in table.column_names:
        if (name, column) not in NULLABLE:
            assert table[column].null_count == 0, column


def test_rows_satisfy_the_database_constraints(db):
    checks = {
        "consumption parts": "select count(*) from consumption"
        " where abs(kwh_total - kwh_peak - kwh_flat - kwh_offpeak) > 0.05"
        " or least(kwh_peak, kwh_flat, kwh_offpeak) < 0 or day(period) <> 1",
        "consumption unique": "select count(*) - count(distinct (meter_id, period)) from consumption",
        "bills": "select count(*) from bills where due_date < issued_on or amount < 0 or day(period) <> 1",
        "bills unique": "select count(*) - count(distinct (customer_id, period)) from bills",
        "payments": "select count(*) from payments p left join bills b on b.id = p.bill_id"
        " where p.amount <= 0 or b.customer_id is distinct from p.customer_id",
        "meters": "select count(*) from meters where contracted_capacity_kva <= 0 or closed_on < opened_on",
        "customers": "select count(*) from customers"
        " where updated_at < created_at or name = '' or account_number = ''",
        "unique numbers": "select (select count(*) - count(distinct account_number) from customers)"
        " + (select count(*) - count(distinct meter_number) from meters)"
        " + (select count(*) - count(distinct ticket_number) from tickets)",
        "tickets": "select count(*) from tickets where resolved_at < opened_at or sla_due_at < opened_at"
        " or (status in ('resolved', 'closed') and resolved_at is null)",
        "surveys": "select count(*) from survey_responses"
        " where csat not between 1 and 5 or nps not between 0 and 10 or (csat is null and nps is null)",
        "owners": "select count(*) from customers"
        " where owner is not null and owner not in (select username from staff)",
        "bills match consumption": "select count(*) from bills b"
        " join (select customer_id, period, sum(kwh_total) k from consumption group by all) c"
        " using (customer_id, period) where abs(c.k - b.kwh) > 0.01",
    }
    for label, sql in checks.items():
        assert one(db, sql)[0] == 0, label


def test_emails_are_plausible_or_empty(out):
    emails = read(out, "customers")["email"].to_pylist()
    pattern = re.compile(r"^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}$")
    assert all(e == "" or pattern.match(e) for e in emails)
    assert 0.2 < sum(e != "" for e in emails) / len(emails) < 0.6


def _id_check(code: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(code[:17], weights, strict=True)) % 11]


def _credit_check(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return alphabet[(31 - total % 31) % 31]


def test_zh_identity_numbers_and_phones_are_well_formed(out):
    customers = read(out, "customers").to_pylist()
    for row in customers[:3000]:
        code = row["id_number"]
        if code and row["customer_type"] == "residential":
            assert len(code) == 18 and code[-1] == _id_check(code)
        elif code:
            assert len(code) == 18 and code[-1] == _credit_check(code)
        assert row["phone"] == "" or re.fullmatch(r"1[3-9]\d{9}", row["phone"])
    names = [row["name"] for row in customers[:200]]
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in names)
    assert any(name.endswith("有限公司") for name in names)


def test_household_consumption_is_lognormal_around_180(db):
    median, p95 = one(
        db,
        "select median(kwh_total), quantile_cont(kwh_total, 0.95) from consumption k"
        " join customers c on c.id = k.customer_id where c.customer_type = 'residential'",
    )
    assert 150 <= median <= 210 and 330 <= p95 <= 480


def test_summer_use_exceeds_spring_use(db):
    summer, spring = one(
        db,
        "select avg(kwh_total) filter (month(period) in (7, 8)),"
        " avg(kwh_total) filter (month(period) in (3, 4, 5))"
        " from consumption k join customers c on c.id = k.customer_id where c.customer_type = 'residential'",
    )
    assert summer > 1.4 * spring


def test_industry_uses_more_off_peak_than_shops(db):
    shares = dict(
        db.execute(
            "select c.customer_type, sum(kwh_offpeak) / sum(kwh_total) from consumption k"
            " join customers c on c.id = k.customer_id group by 1"
        ).fetchall()
    )
    assert shares["industrial"] > shares["commercial"] + 0.1


def test_drifting_customers_use_less_complain_more_and_pay_later(db):
    share = one(
        db,
        "select avg(drifting::int) from labels l join customers c on c.id = l.customer_id"
        " where c.status = 'active'",
    )[0]
    assert 0.04 <= share <= 0.09
    ratios = dict(
        db.execute(
            "with k as (select customer_id, sum(kwh_total) filter (period >= date '2025-10-01') last3,"
            " sum(kwh_total) filter (period between date '2024-10-01' and date '2024-12-01') prev3"
            " from consumption group by 1)"
            " select l.drifting, median(last3 / prev3) from k join labels l using (customer_id)"
            " where prev3 > 0 and last3 > 0 group by 1"
        ).fetchall()
    )
    assert ratios[True] < 0.75 and ratios[False] > 0.9
    complaints = dict(
        db.execute(
            "select l.drifting,"
            " count(t.kind) filter (t.kind = 'complaint' and t.opened_at >= timestamptz '2025-06-28')"
            " / count(distinct l.customer_id)"
            " from labels l left join tickets t using (customer_id) group by 1"
        ).fetchall()
    )
    assert complaints[True] > 3 * complaints[False]
    late = dict(
        db.execute(
            "select l.drifting, avg(greatest(p.paid_on - b.due_date, 0)) from payments p"
            " join bills b on b.id = p.bill_id join labels l on l.customer_id = p.customer_id"
            " where not l.late_payer and b.period >= l.drift_start or not l.drifting group by 1"
        ).fetchall()
    )
    assert late[True] > late[False] + 3
    satisfaction = dict(
        db.execute(
            "select l.drifting, avg(nps) from survey_responses s join labels l using (customer_id) group by 1"
        ).fetchall()
    )
    assert satisfaction[True] < satisfaction[False] - 1


def test_late_payers_pay_later(db):
    late = dict(
        db.execute(
            "select l.late_payer, avg(greatest(p.paid_on - b.due_date, 0)) from payments p"
            " join bills b on b.id = p.bill_id join labels l on l.customer_id = p.customer_id"
            " where not l.drifting group by 1"
        ).fetchall()
    )
    assert late[True] > late[False] + 5
    share = one(
        db,
        "select avg(late_payer::int) from labels l join customers c on c.id = l.customer_id"
        " where c.status <> 'prospect'",
    )[0]
    assert 0.09 <= share <= 0.15


def test_new_customers_consume_from_their_first_month(db):
    early = one(
        db,
        "select count(*) from consumption k join customers c on c.id = k.customer_id"
        " where c.created_at >= timestamptz '2024-01-01' and k.period < date_trunc('month', c.created_at)",
    )[0]
    joined = one(
        db,
        "select count(*) from customers"
        " where created_at >= timestamptz '2024-01-01' and status <> 'prospect'",
    )[0]
    assert early == 0 and joined > 0.05 * N


def test_complaints_are_about_15_percent_with_95598_categories(db):
    share = one(db, "select avg((kind = 'complaint')::int) from tickets")[0]
    assert 0.11 <= share <= 0.2
    categories = {
        r[0] for r in db.execute("select distinct category from tickets where kind = 'complaint'").fetchall()
    }
    assert categories == {"service", "business", "outage", "power_quality", "grid_construction"}
    repair_sla = one(
        db, "select median(epoch(sla_due_at - opened_at)) / 3600 from tickets where kind = 'repair'"
    )[0]
    complaint_sla = one(
        db, "select median(epoch(sla_due_at - opened_at)) / 86400 from tickets where kind = 'complaint'"
    )[0]
    assert repair_sla == 4 and complaint_sla == 7


def test_events_stay_before_the_snapshot(db):
    as_of = "timestamptz '2026-01-28'"
    for table, column in [
        ("interactions", "occurred_at"),
        ("tickets", "opened_at"),
        ("survey_responses", "responded_at"),
    ]:
        assert (
            one(
                db,
                f"select count(*) from {table}"
                f" where {column} >= {as_of} or {column} < timestamptz '2024-01-01'",
            )[0]
            == 0
        )
    assert one(db, "select max(paid_on) from payments")[0] < dt.date(2026, 1, 28)


def test_same_seed_gives_identical_files_and_another_seed_differs(small, tmp_path):
    again = tmp_path / "again"
    generate(customers=SMALL, seed=3, end_month=END, out_dir=again)
    for path in sorted(small.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    other = tmp_path / "other"
    generate(customers=SMALL, seed=4, end_month=END, out_dir=other)
    assert (other / "consumption.parquet").read_bytes() != (small / "consumption.parquet").read_bytes()
    assert read(other, "customers")["name"] != read(small, "customers")["name"]


def test_english_locale_writes_english_names(small, tmp_path):
    english = tmp_path / "en"
    generate(customers=SMALL, seed=3, end_month=END, locale="en", out_dir=english)
    names = read(english, "customers")["name"].to_pylist()
    assert all(name.isascii() for name in names)
    assert set(names).isdisjoint(read(small, "customers")["name"].to_pylist())
    assert any(name.endswith("Co., Ltd.") for name in names)
    assert read(english, "interactions")["subject"].to_pylist()[0].isascii()


def test_csv_format_has_the_same_rows(small, tmp_path):
    csv_dir = tmp_path / "csv"
    rows = generate(customers=SMALL, seed=3, end_month=END, out_dir=csv_dir, fmt="csv")
    for spec in TABLES:
        options = pacsv.ConvertOptions(column_types=spec.schema, strings_can_be_null=False)
        table = pacsv.read_csv(csv_dir / f"{spec.name}.csv", convert_options=options)
        assert table.num_rows == read(small, spec.name).num_rows == rows[spec.name], spec.name
    assert (csv_dir / "labels.parquet").exists()


def test_arguments_are_checked(tmp_path):
    for bad in ({"customers": 0}, {"months": 0}, {"locale": "fr"}, {"fmt": "xlsx"}, {"seed": -1}):
        arguments = {"customers": 10, "seed": 1, "out_dir": tmp_path} | bad
        with pytest.raises(ValueError):
            generate(**arguments)


def test_default_end_month_is_the_last_full_month():
    assert default_end_month(dt.date(2026, 3, 15)) == dt.date(2026, 2, 1)
    assert default_end_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)


def test_cli_generates_files(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "generate",
            "--customers",
            "300",
            "--out",
            str(tmp_path),
            "--end-month",
            "2025-06",
            "--locale",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "customers.parquet").exists() and (tmp_path / "manifest.json").exists()
    assert "customers" in result.output and "rows in" in result.output
    assert json.loads((tmp_path / "manifest.json").read_text())["end_month"] == "2025-06-01"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--locale", "fr"], "unknown locale"),
        (["--format", "xlsx"], "unknown format"),
        (["--end-month", "2025-13"], "not a valid month"),
        (["--end-month", "June"], "not YYYY-MM"),
        (["--months", "0"], "months must be"),
        (["--customers", "0"], "customers must be"),
    ],
)
def test_cli_rejects_bad_arguments(tmp_path, arguments, message):
    base = ["generate", "--customers", "10", "--out", str(tmp_path / "x")]
    result = CliRunner().invoke(app, [*base, *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert not np.any([p.suffix == ".parquet" for p in tmp_path.glob("x/*")])
