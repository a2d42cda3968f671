"""Dedupe: planted duplicates are found by blocking and scored with reasons; merge re-points every
event and undo puts both customers and every event back exactly."""

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from stratacrm.accounts.models import AuditEntry
from stratacrm.activity.models import Bill, Payment
from stratacrm.customers.models import Customer, Tag
from stratacrm.ingest.dedupe.merge import MergeRefused, customer_merge, customer_merge_undo
from stratacrm.ingest.dedupe.scan import dedupe_scan
from stratacrm.ingest.models import DuplicateCandidate
from stratacrm.service.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _population():
    """Forty distinct customers and three planted duplicate pairs."""
    for n in range(40):
        factories.customer(name=f"客户{n:03d}号", phone=f"1380000{n:04d}", city="杭州市")
    a1 = factories.customer(name="王小明", phone="13912345678", city="杭州市", created_at=T0, updated_at=T0)
    a2 = factories.customer(name="王小明 ", phone="13912345678", email="wxm@example.com", city="杭州市")
    b1 = factories.customer(
        name="宁波港务公司", id_number="91330200MA2XXXXX1X", city="宁波市", customer_type="commercial"
    )
    b2 = factories.customer(
        name="宁波港务有限公司", id_number="91330200MA2XXXXX1X", city="宁波市", customer_type="commercial"
    )
    c1 = factories.customer(name="Li Lei", email="lilei@example.com", city="上海市")
    c2 = factories.customer(name="Lei Li", email="LILEI@example.com", city="上海市")
    return (a1, a2), (b1, b2), (c1, c2)


def test_scan_finds_the_planted_duplicates_with_scores_and_reasons():
    planted = _population()
    report = dedupe_scan(threshold=80)
    pairs = {(c.left_id, c.right_id): c for c in DuplicateCandidate.objects.all()}
    expected = {(min(a.pk, b.pk), max(a.pk, b.pk)) for a, b in planted}
    assert set(pairs) == expected
    assert report.customers == 46 and report.candidates == 3
    assert report.pairs_compared < 46 * 45 // 2  # blocking: never every pair
    first = pairs[(planted[0][0].pk, planted[0][1].pk)]
    assert {"field": "phone", "rule": "exact", "similarity": 100} in first.reasons
    assert first.score >= 90


def test_a_second_scan_queues_nothing_new_and_keeps_dismissed_pairs_dismissed():
    _population()
    dedupe_scan(threshold=80)
    DuplicateCandidate.objects.update(status="dismissed")
    report = dedupe_scan(threshold=80)
    assert report.new_candidates == 0
    assert set(DuplicateCandidate.objects.values_list("status", flat=True)) == {"dismissed"}


def _snapshot():
    customers = {c.pk: model_to_dict(c, exclude=["updated_at", "version"]) for c in Customer.objects.all()}
    tags = {c.pk: sorted(c.tags.values_list("name", flat=True)) for c in Customer.objects.all()}
    events = {m.__name__: sorted(m.objects.values_list("pk", "customer_id")) for m in (Bill, Payment, Ticket)}
    return customers, tags, events


def test_merge_repoints_events_applies_survivorship_and_undo_restores_everything_exactly():
    (old, new), _, _ = _population()
    old.tags.add(Tag.objects.create(name="vip"))
    new.tags.add(Tag.objects.create(name="online"))
    bill = Bill.objects.create(
        customer=new,
        period=dt.date(2024, 3, 1),
        amount=Decimal("12.30"),
        issued_on=dt.date(2024, 3, 2),
        due_date=dt.date(2024, 3, 20),
    )
    payment = Payment.objects.create(
        customer=new, bill=bill, paid_on=dt.date(2024, 3, 5), amount=Decimal("12.30")
    )
    dedupe_scan(threshold=80)
    before = _snapshot()

    record = customer_merge(actor=None, survivor_id=old.pk, loser_id=new.pk)

    survivor = Customer.objects.get(pk=old.pk)
    assert not Customer.objects.filter(pk=new.pk).exists()
    assert Bill.objects.get(pk=bill.pk).customer_id == old.pk
    assert Payment.objects.get(pk=payment.pk).customer_id == old.pk
    assert survivor.email == "wxm@example.com"  # the survivor had none
    assert survivor.name == "王小明 "  # longest
    assert survivor.created_at == T0  # earliest
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["online", "vip"]
    assert record.repointed["activity.Bill.customer"] == [bill.pk]
    assert AuditEntry.objects.filter(action="customer.merge", object_id=str(old.pk)).exists()

    customer_merge_undo(actor=None, merge_id=record.pk)

    assert _snapshot() == before
    assert Customer.objects.get(pk=new.pk).account_number == new.account_number


def test_merge_is_refused_when_both_have_a_bill_for_the_same_month():
    (a, b), _, _ = _population()
    for customer in (a, b):
        Bill.objects.create(
            customer=customer,
            period=dt.date(2024, 3, 1),
            amount=Decimal(1),
            issued_on=dt.date(2024, 3, 1),
            due_date=dt.date(2024, 3, 9),
        )
    with pytest.raises(MergeRefused, match="2024-03-01"):
        customer_merge(actor=None, survivor_id=a.pk, loser_id=b.pk)
    assert Customer.objects.filter(pk=b.pk).exists()


def test_undo_is_refused_once_the_survivor_changed_again():
    (a, b), _, _ = _population()
    record = customer_merge(actor=None, survivor_id=a.pk, loser_id=b.pk)
    Customer.objects.filter(pk=a.pk).update(version=99)
    with pytest.raises(MergeRefused, match="changed since the merge"):
        customer_merge_undo(actor=None, merge_id=record.pk)
