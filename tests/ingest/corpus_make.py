"""Writes the malformed-file corpus in tests/ingest/corpus/ (run it after changing a case):

    .venv/bin/python -m tests.ingest.corpus_make

Each file breaks one rule; `test_import_corpus.py` names the problem each must give.
"""

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent / "corpus"
CUSTOMER_HEADER = "account,name,type,phone,email,province,city,joined,form,owner"
GOOD = "A0001,张三,residential,13812345678,zhang@example.com,浙江,杭州,2020-01-02,no,"
GOOD2 = "A0002,李四,commercial,13912345678,li@example.com,浙江省,杭州市,2021-03-04,yes,"
BILL_HEADER = "account,month,amount,issued,due"


def customers(*rows: str, header: str = CUSTOMER_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def bills(*rows: str) -> str:
    return "\n".join([BILL_HEADER, *rows]) + "\n"


TEXT = {
    "empty.csv": "",
    "blank_first_line.csv": "\n" + customers(GOOD),
    "header_only.csv": CUSTOMER_HEADER + "\n",
    "missing_column.csv": customers(GOOD.rsplit(",", 1)[0], header=CUSTOMER_HEADER.rsplit(",", 1)[0]),
    "duplicate_header.csv": customers(GOOD + ",x", header=CUSTOMER_HEADER + ",name"),
    "unnamed_header_column.csv": customers(GOOD + ",x", header=CUSTOMER_HEADER + ","[:-1] + ",,extra"),
    "extra_cells.csv": customers(GOOD, GOOD2 + ",surplus"),
    "fewer_cells.csv": customers(GOOD, "A0002,李四,commercial"),
    "semicolon_delimited.csv": customers(GOOD.replace(",", ";"), header=CUSTOMER_HEADER.replace(",", ";")),
    "bad_date.csv": customers(GOOD, GOOD2.replace("2021-03-04", "2021-13-45")),
    "date_out_of_range.csv": customers(GOOD, GOOD2.replace("2021-03-04", "1800-01-01")),
    "created_in_future.csv": customers(GOOD, GOOD2.replace("2021-03-04", "2190-01-01")),
    "bad_choice.csv": customers(GOOD, GOOD2.replace("commercial", "alien")),
    "blank_name.csv": customers(GOOD, GOOD2.replace("李四", "  ")),
    "blank_account.csv": customers(GOOD, GOOD2.replace("A0002", "")),
    "long_account.csv": customers(GOOD, GOOD2.replace("A0002", "A" * 40)),
    "huge_cell.csv": customers(GOOD, GOOD2.replace("李四", "李" * 100_000)),
    "duplicate_account.csv": customers(GOOD, GOOD2, GOOD.replace("张三", "张三丰")),
    "formula_name.csv": customers(GOOD, GOOD2.replace("李四", '"=HYPERLINK(""http://evil.example"",""x"")"')),
    "formula_at_sign.csv": customers(GOOD, GOOD2.replace("李四", "@SUM(A1:A9)")),
    "bad_phone.csv": customers(GOOD, GOOD2.replace("13912345678", "12345")),
    "bad_email.csv": customers(GOOD, GOOD2.replace("li@example.com", "li@@example")),
    "bad_boolean.csv": customers(GOOD, GOOD2.replace(",yes,", ",maybe,")),
    "unknown_owner.csv": customers(GOOD, GOOD2 + "nobody_here"),
    "nul_character.csv": customers(GOOD, GOOD2.replace("李四", "李\x00四")),
    "bill_bad_number.csv": bills("A0001,2024-03-01,12.3a,2024-03-02,2024-03-20"),
    "bill_negative_amount.csv": bills("A0001,2024-03-01,-12.30,2024-03-02,2024-03-20"),
    "bill_nan_amount.csv": bills("A0001,2024-03-01,NaN,2024-03-02,2024-03-20"),
    "bill_too_many_digits.csv": bills("A0001,2024-03-01,1234567890123456,2024-03-02,2024-03-20"),
    "bill_due_before_issue.csv": bills("A0001,2024-03-01,12.30,2024-03-20,2024-03-02"),
    "bill_period_mid_month.csv": bills("A0001,2024-03-15,12.30,2024-03-16,2024-03-30"),
    "bill_duplicate_month.csv": bills(
        "A0001,2024-03-01,12.30,2024-03-02,2024-03-20", "A0001,2024-03-01,15.00,2024-03-02,2024-03-20"
    ),
    "bill_unknown_customer.csv": bills("Z9999,2024-03-01,12.30,2024-03-02,2024-03-20"),
}


def _book(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def binary() -> dict[str, bytes]:
    header = CUSTOMER_HEADER.split(",")
    good = GOOD.split(",")
    formula = [*GOOD2.split(",")]
    formula[1] = "=1+1"
    valid = _book([header, good])
    broken = valid[: len(valid) // 2]
    not_zip = io.BytesIO()
    with zipfile.ZipFile(not_zip, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return {
        "gbk_stated_as_utf8.csv": customers(GOOD).encode("gbk"),
        "binary_garbage.csv": bytes(range(256)) * 8,
        "png_renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "formula_cell.xlsx": _book([header, good, formula]),
        "truncated.xlsx": broken,
        "zip_not_workbook.xlsx": not_zip.getvalue(),
        "csv_named_xlsx.xlsx": customers(GOOD).encode(),
        "empty_sheet.xlsx": _book([]),
        "header_only.xlsx": _book([header]),
    }


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, text in TEXT.items():
        (HERE / name).write_bytes(text.encode("utf-8"))
    for name, data in binary().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
