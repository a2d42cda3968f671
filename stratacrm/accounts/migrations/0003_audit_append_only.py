"""The audit trail's database guards: the chain head row, and triggers refusing UPDATE/DELETE of entries.

SQLite gets the UPDATE trigger only: Django empties SQLite tables between transactional tests with DELETE,
which a DELETE trigger would refuse. The ORM refusal and the hash chain still catch deletions there.
"""

from django.db import migrations

GENESIS = "0" * 64

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditentry_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_refuse();
CREATE TRIGGER accounts_auditentry_no_delete BEFORE DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_refuse();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_auditentry_no_update ON accounts_auditentry;
DROP TRIGGER IF EXISTS accounts_auditentry_no_delete ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_auditentry_refuse();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS accounts_auditentry_no_update;"


def triggers_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


def head_create(apps, schema_editor):
    apps.get_model("accounts", "AuditChainHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_tokens_login_failures")]

    operations = [
        migrations.RunPython(triggers_create, triggers_drop),
        migrations.RunPython(head_create, migrations.RunPython.noop),
    ]
