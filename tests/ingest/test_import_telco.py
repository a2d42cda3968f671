"""The real IBM Telco churn file, imported through examples/import/telco.yaml: counts and sums match the
file, a second import changes nothing, and a changed row is updated and audited."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from stratacrm.accounts.models import AuditEntry
from stratacrm.activity.models import Bill, Transaction
from stratacrm.customers.models import Customer
from stratacrm.ingest.importer.run import import_file

from .imports import ROOT, TELCO, domain_counts, profile_at

pytestmark = pytest.mark.django_db
PROFILE = ROOT / "examples" / "import" / "telco.yaml"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with TELCO.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sum(values) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def test_telco_file_imports_with_counts_and_sums_of_the_file(rows):
    report = import_file(path=TELCO, file_name=TELCO.name, profile=profile_at(PROFILE))

    blank_total = [r for r in rows if not r["TotalCharges"].strip()]
    assert len(rows) == 7043 and len(blank_total) == 11
    assert report.tables["customers"]["new"] == Customer.objects.count() == 7043
    assert Customer.objects.filter(status="closed").count() == sum(r["Churn"] == "Yes" for r in rows)
    assert Bill.objects.count() == 7043
    assert Bill.objects.aggregate(s=Sum("amount"))["s"] == _sum(r["MonthlyCharges"] for r in rows)
    assert Transaction.objects.count() == 7043 - 11
    assert Transaction.objects.aggregate(s=Sum("amount"))["s"] == _sum(
        r["TotalCharges"] for r in rows if r["TotalCharges"].strip()
    )
    newcomer = blank_total[0]
    assert not Transaction.objects.filter(customer__account_number=newcomer["customerID"]).exists()
    assert Bill.objects.filter(customer__account_number=newcomer["customerID"]).exists()


def test_tenure_gives_the_month_the_customer_joined(rows):
    import_file(path=TELCO, file_name=TELCO.name, profile=profile_at(PROFILE))
    first = rows[1]  # 5575-GNVDE, tenure 34 months before 2024-12-01
    joined = Customer.objects.get(account_number=first["customerID"]).created_at
    assert int(first["tenure"]) == 34
    assert joined.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(2022, 2, 1)


def test_importing_the_same_file_again_changes_nothing():
    profile = profile_at(PROFILE)
    import_file(path=TELCO, file_name=TELCO.name, profile=profile)
    before = domain_counts()
    values = list(Customer.objects.values_list("account_number", "status", "version", "created_at"))
    report = import_file(path=TELCO, file_name=TELCO.name, profile=profile)

    assert {t: c["new"] + c["updated"] for t, c in report.tables.items()} == {
        "customers": 0,
        "bills": 0,
        "transactions": 0,
    }
    after = domain_counts()
    assert after.pop("audit") == before.pop("audit") + 1  # the import itself is recorded
    assert after == before
    assert list(Customer.objects.values_list("account_number", "status", "version", "created_at")) == values


def test_a_changed_row_is_updated_and_its_change_audited(tmp_path, rows):
    profile = profile_at(PROFILE)
    import_file(path=TELCO, file_name=TELCO.name, profile=profile)
    changed = tmp_path / "telco.csv"
    edited = [dict(r) for r in rows]
    edited[0]["Churn"] = "Yes"
    edited[0]["MonthlyCharges"] = "31.00"
    with changed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(edited)

    report = import_file(path=changed, file_name="telco.csv", profile=profile)

    assert report.tables["customers"] == {"new": 0, "updated": 1, "unchanged": 7042}
    assert report.tables["bills"] == {"new": 0, "updated": 1, "unchanged": 7042}
    customer = Customer.objects.get(account_number=rows[0]["customerID"])
    assert customer.status == "closed" and customer.version == 2
    entry = AuditEntry.objects.get(action="import.customers.update", object_id=str(customer.pk))
    assert entry.before == {"status": "active"} and entry.after == {"status": "closed"}
    bill = AuditEntry.objects.get(action="import.bills.update")
    assert bill.before == {"amount": "29.85"} and bill.after == {"amount": "31.00"}


def test_a_dry_run_counts_what_would_happen_and_writes_nothing():
    before = domain_counts()
    report = import_file(path=TELCO, file_name=TELCO.name, profile=profile_at(PROFILE), dry_run=True)
    assert report.tables["customers"] == {"new": 7043, "updated": 0, "unchanged": 0}
    assert report.tables["transactions"]["new"] == 7032
    assert domain_counts() == before
