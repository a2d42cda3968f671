"""Re-importing a file: the same file changes nothing; a changed row updates the row it was before (by the
table's natural key, or the key its profile names) and the audit trail keeps the before and after."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from stratacrm.accounts.models import AuditEntry
from stratacrm.activity.models import Bill, Payment
from stratacrm.ingest.importer.problems import ImportRefused
from stratacrm.ingest.importer.profile import ProfileError, profile_parse
from stratacrm.ingest.importer.run import ImportReport, import_file
from tests import factories

from .imports import domain_counts

pytestmark = pytest.mark.django_db

BILLS: dict[str, Any] = {
    "name": "bills",
    "tables": [
        {
            "target": "bills",
            "fields": {
                "customer": "acct",
                "period": "month",
                "amount": "amount",
                "issued_on": "issued",
                "due_date": "due",
            },
        }
    ],
}
BILLS_CSV = (
    "acct,month,amount,issued,due\n"
    "K1,2024-03-01,{a},2024-04-02,2024-04-20\n"
    "K1,2024-04-01,88.00,2024-05-02,2024-05-20\n"
)
PAYMENTS_CSV = "acct,paid,amount,channel\nK1,2024-04-10,{a},wechat\nK1,2024-05-11,88.00,counter\n"


def _payments(key: list[str] | None) -> dict[str, Any]:
    table: dict[str, Any] = {
        "target": "payments",
        "fields": {"customer": "acct", "paid_on": "paid", "amount": "amount", "channel": "channel"},
    }
    if key is not None:
        table["key"] = key
    return {"name": "payments", "tables": [table]}


def _import(tmp_path: Path, text: str, profile: dict[str, Any]) -> ImportReport:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return import_file(path=path, file_name=path.name, profile=profile_parse(profile))


@pytest.fixture
def customer():
    return factories.customer(account_number="K1")


def _data(counts: dict[str, int]) -> dict[str, int]:
    """Rows per domain table, leaving out the audit trail (each import records its commit there)."""
    return {k: v for k, v in counts.items() if k != "audit"}


def _updates(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_a_changed_bill_updates_the_bill_of_its_month_and_the_same_file_changes_nothing(tmp_path, customer):
    first = _import(tmp_path, BILLS_CSV.format(a="120.50"), BILLS)
    assert first.tables["bills"] == {"new": 2, "updated": 0, "unchanged": 0}
    before = domain_counts()

    again = _import(tmp_path, BILLS_CSV.format(a="120.50"), BILLS)

    assert again.tables["bills"] == {"new": 0, "updated": 0, "unchanged": 2}
    assert _data(domain_counts()) == _data(before)
    assert _updates("import.bills.update") == []

    changed = _import(tmp_path, BILLS_CSV.format(a="99.90"), BILLS)

    assert changed.tables["bills"] == {"new": 0, "updated": 1, "unchanged": 1}
    assert Bill.objects.filter(customer=customer).count() == 2
    march = Bill.objects.get(customer=customer, period="2024-03-01")
    assert march.amount == Decimal("99.90")
    (entry,) = _updates("import.bills.update")
    assert (entry.object_id, entry.before, entry.after) == (
        str(march.pk),
        {"amount": "120.50"},
        {"amount": "99.90"},
    )


def test_without_a_key_a_changed_payment_is_a_new_payment(tmp_path, customer):
    _import(tmp_path, PAYMENTS_CSV.format(a="120.50"), _payments(None))
    assert (
        _import(tmp_path, PAYMENTS_CSV.format(a="120.50"), _payments(None)).tables["payments"]["unchanged"]
        == 2
    )

    changed = _import(tmp_path, PAYMENTS_CSV.format(a="99.90"), _payments(None))

    assert changed.tables["payments"] == {"new": 1, "updated": 0, "unchanged": 1}
    assert Payment.objects.filter(customer=customer).count() == 3


def test_with_a_key_a_changed_payment_updates_the_payment_and_is_audited(tmp_path, customer):
    profile = _payments(["customer", "paid_on"])
    assert _import(tmp_path, PAYMENTS_CSV.format(a="120.50"), profile).tables["payments"]["new"] == 2
    before = domain_counts()

    same = _import(tmp_path, PAYMENTS_CSV.format(a="120.50"), profile)

    assert same.tables["payments"] == {"new": 0, "updated": 0, "unchanged": 2}
    assert _data(domain_counts()) == _data(before)
    assert _updates("import.payments.update") == []
    changed = _import(tmp_path, PAYMENTS_CSV.format(a="99.90").replace("wechat", "app"), profile)

    assert changed.tables["payments"] == {"new": 0, "updated": 1, "unchanged": 1}
    payments = Payment.objects.filter(customer=customer).order_by("paid_on")
    assert [(p.amount, p.channel) for p in payments] == [
        (Decimal("99.90"), "app"),
        (Decimal("88.00"), "counter"),
    ]
    (entry,) = _updates("import.payments.update")
    assert entry.before == {"amount": "120.50", "channel": "wechat"}
    assert entry.after == {"amount": "99.90", "channel": "app"}
    assert _import(tmp_path, PAYMENTS_CSV.format(a="99.90").replace("wechat", "app"), profile).tables[
        "payments"
    ] == {"new": 0, "updated": 0, "unchanged": 2}


def test_a_key_repeated_inside_the_file_is_a_problem_naming_the_key_columns(tmp_path, customer):
    text = "acct,paid,amount,channel\nK1,2024-04-10,1.00,wechat\nK1,2024-04-10,2.00,wechat\n"
    with pytest.raises(ImportRefused) as refused:
        _import(tmp_path, text, _payments(["customer", "paid_on"]))
    problems = refused.value.problems.first(5)
    assert {(p.row, p.column, p.reason) for p in problems} == {
        (2, "acct + paid", "the same key appears more than once in the file"),
        (3, "acct + paid", "the same key appears more than once in the file"),
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {**BILLS["tables"][0], "key": ["customer"]},
            "tables[0].key: bills rows are matched by customer + period",
        ),
        (
            {**_payments(None)["tables"][0], "key": ["customer", "bill"]},
            "tables[0].key: 'bill' is not a field this table maps",
        ),
        ({**_payments(None)["tables"][0], "key": "customer"}, None),
    ],
)
def test_a_profile_key_is_checked(table, message):
    if message is None:
        assert profile_parse({"name": "p", "tables": [table]}).tables[0].key == ("customer",)
        return
    with pytest.raises(ProfileError) as error:
        profile_parse({"name": "p", "tables": [table]})
    assert str(error.value).startswith(message)
