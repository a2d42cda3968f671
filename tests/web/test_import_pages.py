"""The import pages: who may open them, a foreign file mapped by hand, previewed (masked) and committed,
and bad files and bad rows refused with their row, column and reason while nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.customers.models import Customer
from stratacrm.ingest.models import ImportJob, ImportProfile
from stratacrm.web.background import background_wait
from stratacrm.web.import_forms import MappingForm
from tests.ingest.imports import domain_counts

FOREIGN = (
    "客户编号,客户名称,手机,邮箱,省份,城市,开户日期,是否填表\n"
    "HZ-001,杭州西湖茶庄,138 1234 5678,Tea@Example.COM,浙江,杭州,2021/05/06,是\n"
    "HZ-002,王芳,+86 139-0000-1111,,浙江省,杭州市,2022/07/08,否\n"
)
# What an administrator picks on the mapping page for FOREIGN, column by column.
MAPPING = {
    "target": "customers",
    "encoding": "auto",
    "delimiter": ",",
    "field_0": "account_number",
    "field_1": "name",
    "field_2": "phone",
    "field_3": "email",
    "field_4": "province",
    "field_5": "city",
    "field_6": "created_at",
    "format_6": "%Y/%m/%d",
    "field_7": "contact_form_filled",
    "map_7": "是=true; 否=false",
    "fixed_field_0": "customer_type",
    "fixed_value_0": "commercial",
}


@pytest.fixture
def import_dir(tmp_path, settings):
    settings.STRATA_IMPORT_DIR = tmp_path / "imports"
    return tmp_path / "imports"


def _upload(client: Client, content: bytes, name: str = "客户.csv", encoding: str = "auto"):
    return client.post(
        "/en/imports/upload/", {"file": SimpleUploadedFile(name, content), "encoding": encoding}
    )


def _job(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-2]))


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_the_import_pages_as_the_policy_says(role, signed_in, import_dir):
    client = signed_in(role)
    reads = role in (Role.ADMINISTRATOR, Role.AUDITOR)
    listing = client.get("/en/imports/")
    assert listing.status_code == (200 if reads else 403)
    assert ('href="/en/imports/"' in client.get("/en/").content.decode()) == reads
    if reads:
        assert ('id="upload-form"' in listing.content.decode()) == (role == Role.ADMINISTRATOR)
    upload = _upload(client, FOREIGN.encode("gbk"))
    assert (upload.status_code == 302) == (role == Role.ADMINISTRATOR)
    if role != Role.ADMINISTRATOR:
        assert upload.status_code == 403 and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_an_auditor_reads_a_job_and_its_problems_but_cannot_map_preview_or_commit(signed_in, import_dir):
    job = _job(_upload(signed_in(Role.ADMINISTRATOR), FOREIGN.encode("gbk")))
    auditor = signed_in(Role.AUDITOR)
    page = auditor.get(f"/en/imports/{job.pk}/").content.decode()
    assert "客户.csv" in page and 'id="map-columns"' not in page
    assert auditor.get(f"/en/imports/{job.pk}/mapping/").status_code == 403
    for step in ("mapping", "profile", "preview", "commit"):
        assert auditor.post(f"/en/imports/{job.pk}/{step}/").status_code == 403
    assert signed_in(Role.ANALYST).get(f"/en/imports/{job.pk}/problems/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_foreign_file_is_mapped_by_hand_previewed_masked_and_committed(signed_in, import_dir):
    admin = signed_in(Role.ADMINISTRATOR)
    job = _job(_upload(admin, FOREIGN.encode("gbk")))
    form = admin.get(f"/en/imports/{job.pk}/mapping/").content.decode()
    assert "gb18030" in form and "杭州西湖茶庄" in form
    mapped = admin.post(f"/en/imports/{job.pk}/mapping/", {**MAPPING, "profile_name": "billing-export"})
    assert mapped.status_code == 302, mapped.content.decode()[:3000]
    assert ImportProfile.objects.get(name="billing-export").definition["tables"][0]["target"] == "customers"
    before = domain_counts()

    preview = admin.post(f"/en/imports/{job.pk}/preview/", HTTP_HX_REQUEST="true").content.decode()

    assert domain_counts() == before
    assert "138****5678" in preview and "t***@example.com" in preview
    assert "13812345678" not in preview and "tea@example.com" not in preview
    assert "浙江省" in preview and 'id="commit-form"' in preview
    progress = admin.post(f"/en/imports/{job.pk}/commit/", {"on_error": "abort"}, HTTP_HX_REQUEST="true")
    assert 'id="import-progress"' in progress.content.decode()
    assert background_wait(60)
    tea = Customer.objects.get(account_number="HZ-001")
    assert (tea.phone, tea.customer_type, tea.contact_form_filled, tea.city) == (
        "13812345678",
        "commercial",
        True,
        "杭州市",
    )
    assert Customer.objects.get(account_number="HZ-002").contact_form_filled is False
    done = admin.get(f"/en/imports/{job.pk}/progress/")
    assert done["HX-Trigger"] == "import-changed" and "committed" in done.content.decode()
    listing = admin.get("/en/imports/").content.decode()
    assert "billing-export" in listing and "Committed" in listing
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"import.upload", "import_profile.save", "import.commit"} <= actions
    assert admin.post(f"/en/imports/{job.pk}/commit/", {"on_error": "abort"}).status_code == 302
    assert background_wait(10) and Customer.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "image.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "the file is not text in any known encoding",
        ),
        ("empty.csv", b"", "The submitted file is empty."),
        ("header.csv", "客户编号,客户名称\n".encode(), "the file has a header but no rows"),
        ("notes.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "not a readable .xlsx workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason_and_nothing_kept(
    signed_in, import_dir, name, content, message
):
    response = _upload(signed_in(Role.ADMINISTRATOR), content, name=name)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportJob.objects.exists() and not AuditEntry.objects.filter(action="import.upload").exists()


@pytest.mark.django_db
def test_mapping_mistakes_name_the_field_at_fault(signed_in, import_dir):
    admin = signed_in(Role.ADMINISTRATOR)
    job = _job(_upload(admin, FOREIGN.encode("utf-8")))
    url = f"/en/imports/{job.pk}/mapping/"
    missing = admin.post(url, {**MAPPING, "fixed_field_0": ""}).content.decode()
    assert "customers need these fields: customer type (customer_type)." in missing
    twice = admin.post(url, {**MAPPING, "field_1": "account_number"}).content.decode()
    assert "account number (account_number) is already filled from column 客户编号." in twice
    bad_map = admin.post(url, {**MAPPING, "map_7": "是 true"}).content.decode()
    assert "Write each pair as source=value: 是 true" in bad_map
    bad_name = admin.post(url, {**MAPPING, "profile_name": "Billing Export"}).content.decode()
    assert "Use 1–64 lower-case letters" in bad_name
    ImportJob.objects.filter(pk=job.pk, mapping__isnull=True).get()


@pytest.mark.django_db(transaction=True)
def test_bad_rows_are_listed_by_row_and_an_abort_writes_nothing(signed_in, import_dir):
    admin = signed_in(Role.ADMINISTRATOR)
    bad = FOREIGN.replace("2022/07/08", "2022/13/45").replace("Tea@Example.COM", "no-at-sign")
    job = _job(_upload(admin, bad.encode("utf-8")))
    assert admin.post(f"/en/imports/{job.pk}/mapping/", MAPPING).status_code == 302
    preview = admin.post(f"/en/imports/{job.pk}/preview/").content.decode()
    assert "is not a date in the expected form (%Y/%m/%d)" in preview and "2022/13/45" in preview
    assert "Skip the 2 rows with problems" in preview
    before = domain_counts()

    admin.post(f"/en/imports/{job.pk}/commit/", {"on_error": "abort"})

    assert background_wait(60)
    job.refresh_from_db()
    assert job.status == "invalid" and domain_counts() == before
    problems = admin.get(f"/en/imports/{job.pk}/problems/").content.decode()
    assert "开户日期" in problems and "no-at-sign" in problems
    csv_text = b"".join(admin.get(f"/en/imports/{job.pk}/problems.csv").streaming_content).decode("utf-8-sig")
    assert "3,customers,开户日期,2022/13/45,is not a date" in csv_text
    assert AuditEntry.objects.filter(action="import.problems_export", object_id=str(job.pk)).exists()
    progress = admin.get(f"/en/imports/{job.pk}/progress/").content.decode()
    assert "was refused" in progress and "Nothing was written." in progress


@pytest.mark.django_db
def test_a_saved_profile_maps_another_upload(signed_in, import_dir):
    admin = signed_in(Role.ADMINISTRATOR)
    first = _job(_upload(admin, FOREIGN.encode("utf-8")))
    admin.post(f"/en/imports/{first.pk}/mapping/", {**MAPPING, "profile_name": "billing-export"})
    second = _job(_upload(admin, FOREIGN.encode("gbk"), name="again.csv"))
    page = admin.get(f"/en/imports/{second.pk}/mapping/").content.decode()
    assert '<option value="billing-export">' in page
    used = admin.post(f"/en/imports/{second.pk}/profile/", {"profile": "billing-export"})
    assert used.status_code == 302
    second.refresh_from_db()
    assert second.profile is not None and second.profile.name == "billing-export"
    wrong = admin.post(f"/en/imports/{second.pk}/profile/", {"profile": "nope"}).content.decode()
    assert "Choose one of the saved profiles." in wrong


def test_a_payments_mapping_suggests_its_key_and_refuses_a_key_field_left_unmapped():
    header = ("户号", "缴费日期", "金额")
    data: dict[str, Any] = {"target": "payments", "encoding": "auto", "delimiter": ",", "field_0": "customer"}
    data |= {"field_1": "paid_on", "field_2": "amount", "key": ["customer", "paid_on"]}
    form = MappingForm(data, header=header, target="payments")
    assert form.is_valid(), form.errors
    table = form.definition(default_name="job-1")["tables"][0]
    assert table["key"] == ["customer", "paid_on"] and table["fields"]["paid_on"] == {"column": "缴费日期"}
    assert MappingForm(header=header, target="payments").initial["key"] == ["customer", "paid_on"]
    with translation.override("en"):
        unmapped = MappingForm({**data, "key": ["customer", "channel"]}, header=header, target="payments")
        assert not unmapped.is_valid()
        assert unmapped.errors["key"] == ["channel is not mapped."]
