"""Assignments and digests lose their index on `run`; PostgreSQL leaves room on their pages.

Nothing looks these rows up by run, and a re-graded row's run changes on every publish: with the
index, each such update wrote new entries in every index of the table. Without it, and with a tenth
of each page left free (PostgreSQL's fillfactor), PostgreSQL updates a re-graded row on its own page
and touches no index (a HOT update). The index is dropped by name where it stands: Django's own
AlterField would copy the whole table on SQLite to drop one index.
"""

from django.db import migrations, models

TABLES = ("assignment", "assignmentdigest")
FILLFACTOR = 90


def _run_index(schema_editor, model) -> str | None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    for name, info in constraints.items():
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == ["run_id"]:
            return name
    return None


def forwards(apps, schema_editor) -> None:
    for name in TABLES:
        model = apps.get_model("segmentation", name)
        index = _run_index(schema_editor, model)
        if index is not None:
            schema_editor.execute(schema_editor._delete_index_sql(model, index))
        if schema_editor.connection.vendor == "postgresql":
            table = schema_editor.quote_name(model._meta.db_table)
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor) -> None:
    for name in TABLES:
        model = apps.get_model("segmentation", name)
        if _run_index(schema_editor, model) is None:
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field("run")]))
        if schema_editor.connection.vendor == "postgresql":
            table = schema_editor.quote_name(model._meta.db_table)
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("segmentation", "0004_assignment_row_digest"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=name,
                    name="run",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        to="segmentation.gradingrun",
                        verbose_name="run",
                    ),
                )
                for name in TABLES
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
