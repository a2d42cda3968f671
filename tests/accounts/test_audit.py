"""The audit trail is append-only and tamper-evident: verify names the first edited or deleted entry."""

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from stratacrm.accounts.models import AuditChainHead, AuditEntry, AuditTrailIsAppendOnly, Role
from stratacrm.accounts.selectors import audit_verify
from stratacrm.accounts.services.audit import audit_record
from stratacrm.cli import app
from tests import factories

pytestmark = pytest.mark.django_db


def _trail(n: int = 3) -> list[AuditEntry]:
    actor = factories.user(role=Role.ADMINISTRATOR)
    return [
        audit_record(
            actor=actor, action="test.write", object_type="t", object_id=i, after={"phone": "13812345678"}
        )
        for i in range(n)
    ]


def _without_guards(sql: str, params: list) -> None:
    """Run raw SQL as a tamperer with database rights would: with the table's triggers out of the way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS accounts_auditentry_no_update")
        cursor.execute(sql, params)


def test_entries_chain_and_verify():
    entries = _trail()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    report = audit_verify()
    assert report.ok and report.entries == 3 and report.last_hash == entries[-1].hash


def test_sensitive_values_are_stored_masked():
    entry = _trail(1)[0]
    assert entry.after == {"phone": "138****5678"}


def test_the_orm_refuses_to_change_or_delete_entries():
    entry = _trail(1)[0]
    entry.action = "forged"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_raw_updates():
    entry = _trail(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditentry SET action = %s WHERE id = %s", ["forged", entry.pk])


def test_the_database_refuses_raw_deletes_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps no DELETE trigger (tests empty tables with DELETE)")
    entry = _trail(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk])


def test_verify_detects_an_edited_entry():
    entries = _trail()
    _without_guards(
        "UPDATE accounts_auditentry SET after = %s WHERE id = %s", ['{"phone": "x"}', entries[1].pk]
    )
    report = audit_verify()
    assert not report.ok and report.broken_seq == 2 and "changed" in report.problem


def test_verify_detects_a_deleted_entry():
    entries = _trail()
    _without_guards("DELETE FROM accounts_auditentry WHERE id = %s", [entries[1].pk])
    report = audit_verify()
    assert not report.ok and report.broken_seq == 2 and "missing" in report.problem


def test_verify_detects_entries_cut_from_the_end():
    entries = _trail()
    _without_guards("DELETE FROM accounts_auditentry WHERE id = %s", [entries[2].pk])
    report = audit_verify()
    assert not report.ok and report.broken_seq == 3


def test_verify_detects_a_chain_head_naming_another_last_entry():
    _trail()
    AuditChainHead.objects.filter(pk=1).update(hash="f" * 64)
    report = audit_verify()
    assert not report.ok and "chain head" in report.problem


def test_strata_audit_verify_exits_non_zero_on_a_broken_chain(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "stratacrm.config.django.test")
    entries = _trail()
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "OK: 3 entries" in ok.output
    _without_guards(
        "UPDATE accounts_auditentry SET actor = %s WHERE id = %s", ["someone-else", entries[0].pk]
    )
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry #1" in broken.output


def test_opening_a_customer_in_the_admin_is_an_audited_unmask_and_admin_saves_are_audited():
    from django.test import Client

    admin = factories.user(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    customer = factories.customer(phone="13812345678")
    client = Client()
    client.force_login(admin)
    assert "13812345678" in client.get(f"/en/admin/customers/customer/{customer.pk}/change/").content.decode()
    assert AuditEntry.objects.get(action="customer.unmask").actor_id == admin.pk
    client.post("/en/admin/customers/tag/add/", {"name": "vip"})
    assert AuditEntry.objects.get(action="customers.tag.admin_add").after == {"name": "vip"}
