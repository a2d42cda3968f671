"""The malformed-file corpus: every file is refused with the problem it plants, and nothing is written.

Each case names the file, the profile it is imported with, the row (as a spreadsheet numbers it; None
for a problem of the whole file), the column and the words of the reason.
"""

import pytest
from django.db import models

from stratacrm.activity.models import Bill
from stratacrm.customers.models import Customer
from stratacrm.ingest.importer.problems import ImportRefused
from stratacrm.ingest.importer.run import import_file
from tests import factories

from .imports import CORPUS, domain_counts, profile_at

pytestmark = pytest.mark.django_db

CUSTOMERS, BILLS, UTF8 = "customers.yaml", "bills.yaml", "customers-utf8.yaml"


def _message(model: type[models.Model], constraint: str) -> str:
    return str(next(c.violation_error_message for c in model._meta.constraints if c.name == constraint))


CASES = [
    ("empty.csv", CUSTOMERS, None, "", "the file is empty"),
    ("blank_first_line.csv", CUSTOMERS, None, "", "first row must name the columns"),
    ("header_only.csv", CUSTOMERS, None, "", "a header but no rows"),
    ("missing_column.csv", CUSTOMERS, None, "owner", "the file has none of that name"),
    ("duplicate_header.csv", CUSTOMERS, None, "name", "names this column more than once"),
    ("unnamed_header_column.csv", CUSTOMERS, None, "#11", "has no name"),
    ("extra_cells.csv", CUSTOMERS, 3, "", "more than the 10 columns"),
    ("fewer_cells.csv", CUSTOMERS, 3, "", "fewer than the 10 columns"),
    ("semicolon_delimited.csv", CUSTOMERS, None, "account", "the file has none of that name"),
    ("gbk_stated_as_utf8.csv", UTF8, None, "", "not valid utf-8 text (line 2"),
    ("binary_garbage.csv", CUSTOMERS, None, "", "not text in any known encoding"),
    ("png_renamed.csv", CUSTOMERS, None, "", "not text in any known encoding"),
    ("nul_character.csv", CUSTOMERS, None, "", "NUL characters"),
    ("bad_date.csv", CUSTOMERS, 3, "joined", "is not a date"),
    ("date_out_of_range.csv", CUSTOMERS, 3, "joined", "between 1900 and 2199"),
    (
        "created_in_future.csv",
        CUSTOMERS,
        3,
        "joined, updated_at",
        _message(Customer, "customer_updated_after_created"),
    ),
    ("bad_choice.csv", CUSTOMERS, 3, "type", "is not one of"),
    ("blank_name.csv", CUSTOMERS, 3, "name", "must not be blank"),
    ("blank_account.csv", CUSTOMERS, 3, "account", "must not be blank"),
    ("long_account.csv", CUSTOMERS, 3, "account", "longer than 32 characters"),
    ("huge_cell.csv", CUSTOMERS, 3, "name", "longer than 200 characters"),
    ("duplicate_account.csv", CUSTOMERS, 2, "account", "same key appears more than once"),
    ("formula_name.csv", CUSTOMERS, 3, "name", "spreadsheet formula"),
    ("formula_at_sign.csv", CUSTOMERS, 3, "name", "spreadsheet formula"),
    ("formula_cell.xlsx", CUSTOMERS, 3, "name", "spreadsheet formula"),
    ("bad_phone.csv", CUSTOMERS, 3, "phone", "not a phone number"),
    ("bad_email.csv", CUSTOMERS, 3, "email", "not an e-mail address"),
    ("bad_boolean.csv", CUSTOMERS, 3, "form", "is not yes/no"),
    ("unknown_owner.csv", CUSTOMERS, 3, "owner", "no user has this username"),
    ("truncated.xlsx", CUSTOMERS, None, "", "not a readable .xlsx workbook"),
    ("zip_not_workbook.xlsx", CUSTOMERS, None, "", "not a readable .xlsx workbook"),
    ("csv_named_xlsx.xlsx", CUSTOMERS, None, "", "not a readable .xlsx workbook"),
    ("empty_sheet.xlsx", CUSTOMERS, None, "", "the sheet is empty"),
    ("header_only.xlsx", CUSTOMERS, None, "", "a header but no rows"),
    ("bill_bad_number.csv", BILLS, 2, "amount", "is not a number"),
    ("bill_nan_amount.csv", BILLS, 2, "amount", "is not a number"),
    ("bill_negative_amount.csv", BILLS, 2, "amount", _message(Bill, "bill_amount_not_negative")),
    ("bill_too_many_digits.csv", BILLS, 2, "amount", "more than 12 digits before the decimal point"),
    ("bill_due_before_issue.csv", BILLS, 2, "due, issued", _message(Bill, "bill_due_after_issue")),
    ("bill_period_mid_month.csv", BILLS, 2, "month", _message(Bill, "bill_period_first_of_month")),
    ("bill_duplicate_month.csv", BILLS, 2, "account + month", "same key appears more than once"),
    ("bill_unknown_customer.csv", BILLS, 2, "account", "no customer has this account number"),
]


def test_the_corpus_has_at_least_thirty_files_and_each_has_a_case():
    files = {p.name for p in CORPUS.iterdir() if p.suffix != ".yaml"}
    assert len(files) >= 30
    assert files == {case[0] for case in CASES}


@pytest.mark.parametrize(("file", "profile", "row", "column", "reason"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_is_refused_with_its_problem_and_writes_nothing(file, profile, row, column, reason):
    factories.customer(account_number="A0001")
    before = domain_counts()
    with pytest.raises(ImportRefused) as refused:
        import_file(path=CORPUS / file, file_name=file, profile=profile_at(CORPUS / profile))
    problems = list(refused.value.problems)
    assert any(p.row == row and p.column == column and reason in p.reason for p in problems), [
        str(p) for p in problems
    ]
    assert domain_counts() == before


def test_skipping_bad_rows_writes_the_good_ones_and_lists_the_bad(tmp_path):
    factories.customer(account_number="A0001")
    profile = profile_at(CORPUS / CUSTOMERS)
    report = import_file(
        path=CORPUS / "bad_phone.csv", file_name="bad_phone.csv", profile=profile, on_error="skip"
    )
    assert report.tables["customers"] == {"new": 0, "updated": 1, "unchanged": 0}
    assert report.rows_skipped == 1 and [p.row for p in report.problems] == [3]
    assert not Customer.objects.filter(account_number="A0002").exists()
    report.problems.write_csv(tmp_path / "problems.csv")
    text = (tmp_path / "problems.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "row,table,column,value,reason"
    assert "3,customers,phone,12345,is not a phone number" in text
