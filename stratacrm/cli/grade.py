"""`strata grade run|explain`, `strata rules preview`, `strata export assignments`, `strata snapshot`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .app import app, fail, setup_django
from .progress import bar
from .rules import rules_app  # `strata rules …` lives in rules.py; preview joins it

grade_app = typer.Typer(help="Grade customers: batch runs and explanations.", no_args_is_help=True)
export_app = typer.Typer(help="Export data as files.", no_args_is_help=True)
app.add_typer(grade_app, name="grade")
app.add_typer(export_app, name="export")

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Grade as of this date, YYYY-MM-DD (default: today, UTC).")
]
Engine = Annotated[
    str | None,
    typer.Option("--engine", help="sqlite, postgres, duckdb or spark (default: the database's own)."),
]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


@grade_app.command("run")
def grade_run(
    as_of: AsOf = None,
    engine: Engine = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Compute and count, write no grade.")] = False,
    snapshot: Annotated[
        Path | None, typer.Option("--snapshot", help="duckdb/spark: grade this snapshot (default: take one).")
    ] = None,
) -> None:
    """Grade every customer and publish what changed (all or nothing)."""
    day = _date(as_of)
    setup_django()
    from stratacrm.segmentation.runs import NoDefinition, RunInProgress, grading_run

    try:
        with bar("grading", total=3) as advance:
            run = grading_run(as_of=day, engine=engine, dry_run=dry_run, progress=advance, snapshot=snapshot)
    except (RunInProgress, NoDefinition, ValueError) as error:
        raise fail(str(error)) from None
    table = Table(
        title=f"Run #{run.pk} as of {run.as_of} on {run.engine}{' (dry run)' if run.dry_run else ''}"
    )
    table.add_column("dimension")
    table.add_column("changes", justify="right")
    for dimension, count in sorted(run.changes.items()):
        table.add_row(dimension, f"{count:,}")
    table.add_row("total", f"{run.changed_total:,}")
    console = Console()
    console.print(table)
    console.print(f"{run.customers_graded:,} customers graded in {run.duration_seconds or 0:.1f} s")


@grade_app.command("explain")
def grade_explain(
    account_number: Annotated[str, typer.Argument(help="The customer's account number.")],
) -> None:
    """Why the customer holds each grade: rule, version, condition, values, nearest rule missed."""
    setup_django()
    from stratacrm.customers.models import Customer
    from stratacrm.segmentation.explain import assignment_explain

    from .explain_view import explanation_print

    customer = Customer.objects.filter(account_number=account_number).first()
    if customer is None:
        raise fail(f"no customer with account number {account_number!r}")
    explanation_print(Console(), customer=customer, dimensions=assignment_explain(customer=customer))


@rules_app.command("preview")
def rules_preview_command(
    path: Annotated[Path, typer.Argument(help="A rule file (YAML).")],
    as_of: AsOf = None,
    engine: Engine = None,
    samples: Annotated[int, typer.Option("--samples", help="Example customers per move.")] = 5,
) -> None:
    """Who would move from which group to which if the file were published; writes nothing."""
    day = _date(as_of)
    setup_django()
    from stratacrm.segmentation.preview import rules_preview

    preview = rules_preview(path=path, as_of=day, engine=engine, samples=samples)
    console = Console()
    table = Table(title=f"{path}: {preview.customers:,} customers as of {preview.as_of} ({preview.engine})")
    for heading in ("dimension", "from", "to", "customers", "for example"):
        table.add_column(heading, justify="right" if heading == "customers" else "left")
    for (dimension, source, target), count in preview.moves.items():
        examples = ", ".join(preview.samples.get((dimension, source, target), []))
        table.add_row(dimension, source or "—", target or "—", f"{count:,}", examples)
    console.print(table if preview.moves else "Nobody would move.")


@export_app.command("assignments")
def export_assignments(
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
) -> None:
    """Write the current assignments (one row per customer and value) to a CSV file."""
    setup_django()
    from stratacrm.segmentation.export import assignments_export

    rows = assignments_export(out=out)
    typer.echo(f"{rows:,} assignments written to {out}")


@app.command("snapshot")
def snapshot(out: Annotated[Path, typer.Option("--out", help="Directory for the Parquet files.")]) -> None:
    """Export the operational tables to Parquet (the layout `strata load` reads), for DuckDB and Spark."""
    setup_django()
    from stratacrm.segmentation.snapshot import snapshot_take

    with bar("snapshot", total=None) as advance:
        report = snapshot_take(out=out, progress=advance)
    table = Table(title=f"Snapshot {out} in {report.seconds:.1f} s")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in report.rows.items():
        table.add_row(name, f"{rows:,}")
    Console().print(table)
