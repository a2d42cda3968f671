"""The import, dedupe, export and webhook endpoints: the flow a new user follows, masking, and who may
call them (the permission matrix in tests/api covers every role; these check the answers)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.customers.models import Customer
from stratacrm.ingest.models import ImportJob
from tests import factories
from tests.api.conftest import ApiClient, role_user

from .imports import domain_counts

pytestmark = pytest.mark.django_db

FOREIGN = (
    "客户编号,客户名称,手机,邮箱,省份,城市,开户日期,客户类别\n"
    "HZ-001,杭州西湖茶庄,138 1234 5678,Tea@Example.COM,浙江,杭州,2021/05/06,商业\n"
    "HZ-002,王芳,+86 139-0000-1111,,浙江省,杭州市,2022/07/08,居民\n"
)
PROFILE = {
    "name": "billing-export",
    "tables": [
        {
            "target": "customers",
            "fields": {
                "account_number": "客户编号",
                "name": "客户名称",
                "phone": "手机",
                "email": "邮箱",
                "province": "省份",
                "city": "城市",
                "created_at": {"column": "开户日期", "format": "%Y/%m/%d"},
                "customer_type": {"column": "客户类别", "map": {"商业": "commercial", "居民": "residential"}},
            },
        }
    ],
}


def _text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _upload(client: ApiClient, name: str, content: bytes):
    return client.post("/api/imports", {"file": SimpleUploadedFile(name, content)})


def test_a_foreign_gbk_file_is_uploaded_mapped_previewed_masked_and_committed(tmp_path, settings):
    settings.STRATA_IMPORT_DIR = tmp_path
    admin = ApiClient(role_user(Role.ADMINISTRATOR))
    upload = _upload(admin, "客户.csv", FOREIGN.encode("gbk"))
    assert upload.status_code == 201, upload.content
    job = upload.json()["id"]
    assert admin.post_json("/api/import-profiles", {"definition": PROFILE}).status_code == 200
    mapped = admin.put(
        f"/api/imports/{job}/mapping", {"profile": "billing-export"}, content_type="application/json"
    )
    assert mapped.status_code == 200 and mapped.json()["profile"] == "billing-export"

    before = domain_counts()
    preview = admin.post(f"/api/imports/{job}/preview").json()
    assert domain_counts() == before
    first = preview["rows"]["customers"][0]
    assert first["phone"] == "138****5678" and first["email"] == "t***@example.com"
    assert preview["job"]["status"] == "valid" and preview["job"]["encoding"] == "gb18030"
    assert preview["job"]["report"]["tables"]["customers"]["new"] == 2

    committed = admin.post_json(f"/api/imports/{job}/commit", {"on_error": "abort"})
    assert committed.status_code == 200, committed.content
    tea = Customer.objects.get(account_number="HZ-001")
    assert (tea.phone, tea.email, tea.province, tea.city, tea.customer_type) == (
        "13812345678",
        "tea@example.com",
        "浙江省",
        "杭州市",
        "commercial",
    )
    assert Customer.objects.get(account_number="HZ-002").phone == "13900001111"
    report = admin.get(f"/api/imports/{job}").json()["report"]
    assert report["cleaning"]["region: province name in full form"]["count"] == 1
    assert report["cleaning"]["phone: normalised"]["examples"][0] == ["138****5678", "138****5678"]
    assert AuditEntry.objects.filter(action="import.commit", object_id=str(job)).exists()


def test_a_refused_commit_lists_the_problems_and_the_problems_file_downloads(tmp_path, settings):
    settings.STRATA_IMPORT_DIR = tmp_path
    admin = ApiClient(role_user(Role.ADMINISTRATOR))
    bad = FOREIGN.replace("2022/07/08", "2022/13/45").encode("utf-8")
    job = _upload(admin, "bad.csv", bad).json()["id"]
    admin.put(f"/api/imports/{job}/mapping", {"definition": PROFILE}, content_type="application/json")
    before = domain_counts()

    refused = admin.post_json(f"/api/imports/{job}/commit", {"on_error": "abort"})

    assert refused.status_code == 422
    assert "row 3, column 开户日期: is not a date" in refused.json()["errors"][0]["message"]
    assert domain_counts() == before
    assert ImportJob.objects.get(pk=job).status == "invalid"
    problems = admin.get(f"/api/imports/{job}/problems")
    text = _text(problems)
    assert "3,customers,开户日期,2022/13/45,is not a date" in text


def test_auditors_read_import_jobs_but_cannot_import_and_account_managers_see_none(tmp_path, settings):
    settings.STRATA_IMPORT_DIR = tmp_path
    auditor = ApiClient(role_user(Role.AUDITOR))
    assert auditor.get("/api/imports").status_code == 200
    assert _upload(auditor, "x.csv", b"a\n1\n").status_code == 403
    assert ApiClient(role_user(Role.ACCOUNT_MANAGER)).get("/api/imports").status_code == 403


def test_excel_export_is_masked_neutralised_and_audited():
    manager = role_user(Role.MARKETING_MANAGER)
    factories.customer(name='=HYPERLINK("http://evil.example")', phone="13812345678", account_number="X1")
    response = ApiClient(manager).get("/api/customers/export?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, row = rows[0], rows[1]
    assert row[header.index("name")] == '\'=HYPERLINK("http://evil.example")'
    assert row[header.index("phone")] == "138****5678"
    entry = AuditEntry.objects.get(action="customer.export")
    assert entry.after is not None and entry.after["format"] == "xlsx"


def test_csv_export_neutralises_formulas_too():
    factories.customer(name="@SUM(A1)", account_number="X2")
    response = ApiClient(role_user(Role.ADMINISTRATOR)).get("/api/customers/export")
    text = _text(response)
    assert "'@SUM(A1)" in text and ",@SUM" not in text


def test_duplicates_are_scanned_listed_masked_merged_and_unmerged_through_the_api():
    admin = ApiClient(role_user(Role.ADMINISTRATOR))
    a = factories.customer(name="赵敏", phone="13711112222", city="杭州市")
    b = factories.customer(name="赵敏", phone="13711112222", city="杭州市")
    assert admin.post_json("/api/duplicates/scan", {"threshold": 80}).json()["candidates"] == 1
    auditor = ApiClient(role_user(Role.AUDITOR))
    queue = auditor.get("/api/duplicates").json()["items"]
    assert queue[0]["left"]["phone"] == "137****2222"
    assert auditor.post_json(f"/api/duplicates/{queue[0]['id']}/merge", {}).status_code == 403
    merged = admin.post_json(f"/api/duplicates/{queue[0]['id']}/merge", {"survivor_id": a.pk})
    assert merged.status_code == 200 and merged.json()["loser_id"] == b.pk
    assert not Customer.objects.filter(pk=b.pk).exists()
    undone = admin.post(f"/api/merges/{merged.json()['merge_id']}/undo")
    assert undone.status_code == 200 and Customer.objects.filter(pk=b.pk).exists()


def test_webhook_secret_is_shown_once_and_bad_event_types_are_refused():
    admin = ApiClient(role_user(Role.ADMINISTRATOR))
    created = admin.post_json(
        "/api/webhooks", {"name": "billing", "url": "http://127.0.0.1:9/h", "event_types": ["grade.changed"]}
    )
    assert created.status_code == 201 and len(created.json()["secret"]) > 30
    assert "secret" not in admin.get("/api/webhooks").json()["items"][0]
    bad = admin.post_json(
        "/api/webhooks", {"name": "x", "url": "http://127.0.0.1:9/h", "event_types": ["nope"]}
    )
    assert bad.status_code == 422
    assert admin.delete(f"/api/webhooks/{created.json()['id']}").status_code == 204
