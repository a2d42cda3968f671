"""`strata import` and `strata import-profile`: a GBK file and an Excel workbook through saved profiles,
the problems file beside the input, and the exit status of a refused file."""

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from stratacrm.cli import app
from stratacrm.customers.models import Customer
from stratacrm.ingest.models import ImportJob

from .imports import CORPUS, domain_counts

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
ROWS = [
    ["account", "name", "type", "phone", "email", "province", "city", "joined", "form", "owner"],
    ["G001", "陈静", "居民", "13800001111", "", "广东", "深圳", "2020年01月02日", "是", ""],
    [
        "G002",
        "深圳湾科技有限公司",
        "commercial",
        "0755-26880000",
        "IT@SZ.CN",
        "广东省",
        "深圳市",
        "2019-05-06",
        "否",
        "",
    ],
]


def _load_profile() -> None:
    result = runner.invoke(app, ["import-profile", "load", str(CORPUS / "customers.yaml")])
    assert result.exit_code == 0, result.output


def test_a_gbk_file_is_detected_and_imported(tmp_path):
    _load_profile()
    path = tmp_path / "gbk.csv"
    path.write_bytes(("\n".join(",".join(r) for r in ROWS) + "\n").encode("gbk"))
    result = runner.invoke(app, ["import", str(path), "--profile", "corpus-customers"])
    assert result.exit_code == 0, result.output
    person = Customer.objects.get(account_number="G001")
    assert (person.name, person.customer_type, person.province, person.city) == (
        "陈静",
        "residential",
        "广东省",
        "深圳市",
    )
    assert person.contact_form_filled is True
    company = Customer.objects.get(account_number="G002")
    assert company.phone == "075526880000" and company.email == "it@sz.cn"
    job = ImportJob.objects.get()
    assert job.status == "committed" and job.encoding == "gb18030" and len(job.file_sha256) == 64


def test_an_excel_workbook_imports_like_its_csv(tmp_path):
    _load_profile()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "customers.xlsx"
    book.save(path)
    result = runner.invoke(app, ["import", str(path), "--profile", "corpus-customers"])
    assert result.exit_code == 0, result.output
    assert Customer.objects.filter(account_number__in=["G001", "G002"]).count() == 2


def test_a_refused_file_exits_non_zero_writes_the_problems_file_and_nothing_else(tmp_path):
    _load_profile()
    path = tmp_path / "bad.csv"
    path.write_bytes((CORPUS / "bad_date.csv").read_bytes())
    before = domain_counts()
    result = runner.invoke(app, ["import", str(path), "--profile", "corpus-customers"])
    assert result.exit_code == 2
    assert "row 3, column joined: is not a date" in result.output
    problems = tmp_path / "bad.csv.problems.csv"
    assert "3,customers,joined,2021-13-45" in problems.read_text(encoding="utf-8-sig")
    assert domain_counts() == before


def test_dry_run_writes_nothing_and_an_unknown_profile_is_named(tmp_path):
    _load_profile()
    before = domain_counts()
    result = runner.invoke(
        app,
        [
            "import",
            str(CORPUS / "bad_phone.csv"),
            "--profile",
            "corpus-customers",
            "--dry-run",
            "--on-error",
            "skip",
            "--problems",
            str(tmp_path / "p.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert domain_counts() == before
    missing = runner.invoke(app, ["import", str(CORPUS / "bad_phone.csv"), "--profile", "nope"])
    assert missing.exit_code == 2 and "no saved profile 'nope'" in missing.output
