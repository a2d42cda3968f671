"""The duplicates page: who may open it and act on it, the queue masked as the API masks it, a merge
undone from the page, a dismissed pair, and a scan started from the page."""

from __future__ import annotations

import pytest
from django.test import Client

from stratacrm.accounts.models import AuditEntry, Role
from stratacrm.customers.models import Customer
from stratacrm.ingest.dedupe.scan import dedupe_scan
from stratacrm.ingest.models import DuplicateCandidate, DuplicateStatus, MergeRecord
from stratacrm.web.background import background_wait
from tests import factories

READERS = (Role.ADMINISTRATOR, Role.MARKETING_MANAGER, Role.AUDITOR)
OTHERS = (Role.ACCOUNT_MANAGER, Role.ANALYST)


def _pair() -> tuple[Customer, Customer, DuplicateCandidate]:
    a = factories.customer(name="赵敏", phone="13711112222", email="zm@example.com", city="杭州市")
    b = factories.customer(
        name="赵敏", phone="13711112222", address="杭州市西湖区文三路 90 号", city="杭州市"
    )
    dedupe_scan(threshold=80)
    return a, b, DuplicateCandidate.objects.get(left=a, right=b)


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_queue_masked_as_the_api_masks_it(signed_in, role):
    a, b, candidate = _pair()
    page = signed_in(role).get("/en/duplicates/")
    text = page.content.decode()
    assert page.status_code == 200 and f'id="pair-{candidate.pk}"' in text
    assert a.account_number in text and b.account_number in text
    api = Client()
    api.force_login(factories.user(role=role))
    item = api.get("/api/duplicates").json()["items"][0]
    for side in ("left", "right"):
        for field in ("phone", "email", "address"):
            if item[side][field]:
                assert item[side][field] in text
    assert "13711112222" not in text and "137****2222" in text
    assert "文三路 90 号" not in text and "zm@example.com" not in text
    assert ("Merge</button>" in text) == (role == Role.ADMINISTRATOR)


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused_the_page_and_every_action(signed_in, role):
    _, _, candidate = _pair()
    client = signed_in(role)
    assert client.get("/en/duplicates/").status_code == 403
    assert client.post(f"/en/duplicates/{candidate.pk}/dismiss/").status_code == 403
    assert "Duplicates" not in signed_in(role).get("/en/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", (Role.MARKETING_MANAGER, Role.AUDITOR))
def test_readers_cannot_merge_dismiss_scan_or_undo(signed_in, role):
    a, _, candidate = _pair()
    client = signed_in(role)
    assert client.post(f"/en/duplicates/{candidate.pk}/merge/", {"survivor": a.pk}).status_code == 403
    assert client.post(f"/en/duplicates/{candidate.pk}/dismiss/").status_code == 403
    assert client.post("/en/duplicates/scan/").status_code == 403
    assert client.post("/en/duplicates/merges/1/undo/").status_code == 403
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == DuplicateStatus.PENDING


@pytest.mark.django_db
def test_a_merge_from_the_page_is_undone_from_the_page(signed_in):
    a, b, candidate = _pair()
    admin = signed_in(Role.ADMINISTRATOR)
    refused = admin.post(f"/en/duplicates/{candidate.pk}/merge/", {"survivor": "999999"})
    assert refused.status_code == 400 and "Survivor" in refused.content.decode()
    merged = admin.post(f"/en/duplicates/{candidate.pk}/merge/", {"survivor": b.pk})
    assert merged.status_code == 302 and merged["Location"].endswith("/duplicates/?done=merged")
    assert not Customer.objects.filter(pk=a.pk).exists()
    kept = Customer.objects.get(pk=b.pk)
    assert kept.email == "zm@example.com"  # survivorship: the survivor had none, the loser's value stays
    record = MergeRecord.objects.get()
    page = admin.get(merged["Location"]).content.decode()
    assert f'id="merge-{record.pk}"' in page and a.account_number in page and "No pair to review." in page
    undone = admin.post(f"/en/duplicates/merges/{record.pk}/undo/")
    assert undone.status_code == 302
    restored = Customer.objects.get(pk=a.pk)
    assert (restored.account_number, restored.email) == (a.account_number, "zm@example.com")
    assert Customer.objects.get(pk=b.pk).email == ""
    again = admin.post(f"/en/duplicates/merges/{record.pk}/undo/")
    assert again.status_code == 400 and "undone already" in again.content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"customer.merge", "customer.merge_undo"} <= actions


@pytest.mark.django_db
def test_a_dismissed_pair_leaves_the_queue_and_is_audited(signed_in):
    _, _, candidate = _pair()
    admin = signed_in(Role.ADMINISTRATOR)
    assert admin.post(f"/en/duplicates/{candidate.pk}/dismiss/").status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISMISSED and candidate.decided_by is not None
    assert f'id="pair-{candidate.pk}"' not in admin.get("/en/duplicates/").content.decode()
    assert AuditEntry.objects.filter(action="duplicate.dismiss").count() == 1
    assert admin.post(f"/en/duplicates/{candidate.pk}/dismiss/").status_code == 404
    dedupe_scan(threshold=80)
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == DuplicateStatus.DISMISSED


@pytest.mark.django_db(transaction=True)
def test_scan_now_queues_the_pairs_in_the_background(signed_in):
    factories.customer(name="钱多多", phone="13699998888", city="宁波市")
    factories.customer(name="钱多多", phone="13699998888", city="宁波市")
    admin = signed_in(Role.ADMINISTRATOR)
    started = admin.post("/en/duplicates/scan/")
    assert started.status_code == 302 and started["Location"].endswith("?done=scan")
    assert background_wait(60)
    assert DuplicateCandidate.objects.count() == 1
    chinese = admin.get("/duplicates/").content.decode()
    assert "136****8888" in chinese and "重复客户" in chinese and "立即扫描" in chinese
