"""Import a foreign-schema CSV without a terminal: upload, map its columns by hand, preview, commit, and
find the new customers in the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload

from stratacrm.accounts.models import Role
from stratacrm.customers.models import Customer
from stratacrm.ingest.models import ImportJob
from tests.browser import browser_page, chromium_path, screenshot

from .browsing import settle, sign_in, unlabelled, user_with_password
from .test_import_pages import FOREIGN

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]
GBK = FOREIGN.encode("gbk")
COLUMNS = {
    "客户编号": "account_number",
    "客户名称": "name",
    "手机": "phone",
    "邮箱": "email",
    "省份": "province",
    "城市": "city",
    "开户日期": "created_at",
    "是否填表": "contact_form_filled",
}


def test_upload_map_preview_and_commit_a_foreign_file(live_server, settings, tmp_path):
    settings.STRATA_IMPORT_DIR = tmp_path / "imports"
    admin = user_with_password(Role.ADMINISTRATOR)
    with browser_page() as (page, problems):
        sign_in(page, live_server.url, admin)
        page.get_by_role("link", name="导入", exact=True).click()
        page.wait_for_selector("#upload-form")
        upload: FilePayload = {"name": "营销系统导出.csv", "mimeType": "text/csv", "buffer": GBK}
        page.set_input_files("#id_file", files=[upload])
        page.get_by_role("button", name="上传", exact=True).click()
        page.wait_for_selector("#mapping-form")
        settle(page)
        assert "gb18030" in page.inner_text("#mapping-form")
        for column, field in COLUMNS.items():
            page.get_by_label(column, exact=True).select_option(field)
        page.get_by_label("开户日期 的日期格式").fill("%Y/%m/%d")
        page.get_by_label("是否填表 的取值映射").fill("是=true; 否=false")
        page.locator("#id_fixed_field_0").select_option("customer_type")
        page.locator("#id_fixed_value_0").fill("commercial")
        page.get_by_label("保存为导入方案,名称").fill("marketing-export")
        assert unlabelled(page) == []
        screenshot(page, "import-mapping-zh")
        page.get_by_role("button", name="使用此映射").click()
        page.wait_for_selector("#job-mapping:has-text('marketing-export')")
        page.get_by_role("button", name="预览:检查每一行,不写入").click()
        page.wait_for_selector("#preview-summary")
        settle(page)
        preview = page.inner_text("#import-preview")
        assert "138****5678" in preview and "13812345678" not in preview
        assert not Customer.objects.exists()
        screenshot(page, "import-preview-zh")
        page.get_by_role("button", name="提交导入").click()
        page.wait_for_selector("#import-finished", timeout=60_000)
        settle(page)
        screenshot(page, "import-committed-zh")
        page.get_by_role("link", name="打开客户列表").click()
        page.wait_for_selector("#customer-table")
        settle(page)
        table = page.inner_text("#customer-table")
        assert "HZ-001" in table and "HZ-002" in table and "杭州西湖茶庄" in table
        screenshot(page, "import-customers-zh")
        page.goto(f"{live_server.url}/imports/")
        settle(page)
        assert "marketing-export" in page.inner_text("#import-jobs")
        screenshot(page, "imports-zh")
        assert problems.items == []
    assert ImportJob.objects.get().status == "committed"
