"""Indexes behind the list's search on PostgreSQL (SQLite keeps scanning; it has no such index kinds).

- a piece of a name of 3 or more characters (`UPPER(name) LIKE '%…%'`): a pg_trgm trigram index;
- 1 or 2 characters (a Chinese surname, a two-character name; no trigram in them): an index of each
  name's characters, which `stratacrm.customers.search` asks first;
- an account number's or a phone's leading digits (`LIKE '…%'`): pattern b-tree indexes.
Without them each search read every customer (0.4–0.5 s at 100,000 customers).
"""

from django.db import migrations

INDEXES = {
    "customer_name_trgm_idx": "USING gin (UPPER(name::text) gin_trgm_ops)",
    "customer_name_chars_idx": "USING gin (string_to_array(UPPER(name::text), NULL))",
    "customer_account_upper_idx": "(UPPER(account_number::text) text_pattern_ops)",
    "customer_phone_prefix_idx": "(phone varchar_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON customers_customer {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
