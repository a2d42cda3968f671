"""`strata load DIR`: bulk-load a directory of interchange files, all or nothing."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .app import app, fail, setup_django

PROBLEMS_SHOWN = 20


@app.command()
def load(
    directory: Annotated[
        Path, typer.Argument(help="Directory of <table>.parquet or <table>.csv files (see ingest/tables.py).")
    ],
) -> None:
    """Load customers and their history into the database; on any bad row nothing is written."""
    setup_django()
    from stratacrm.ingest.loader import LoadError, load_directory

    console = Console()
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    tasks: dict[str, TaskID] = {}
    try:
        with Progress(*columns, console=console, transient=False) as bar:

            def progress(done: int, total: int | None = None, description: str | None = None) -> None:
                table = description or "rows"
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=total)
                bar.update(tasks[table], completed=done)

            report = load_directory(path=directory, progress=progress)
    except LoadError as exc:
        for problem in exc.problems[:PROBLEMS_SHOWN]:
            console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        if exc.total > PROBLEMS_SHOWN:
            console.print(f"  … and {exc.total - PROBLEMS_SHOWN} more")
        raise fail(f"{exc.total} problem(s); nothing was loaded.") from exc

    summary = Table(title=f"Loaded {report.total_rows:,} rows in {report.seconds:.1f} s")
    for heading in ("table", "rows", "seconds", "rows/s"):
        summary.add_column(heading, justify="left" if heading == "table" else "right")
    for t in report.tables:
        summary.add_row(t.table, f"{t.rows:,}", f"{t.seconds:.2f}", f"{t.rows_per_second:,.0f}")
    summary.add_row("checks", "", f"{report.validation_seconds:.2f}", "")
    summary.add_row("commit", "", f"{report.commit_seconds:.2f}", "")
    summary.add_row(
        "total", f"{report.total_rows:,}", f"{report.seconds:.2f}", f"{report.rows_per_second:,.0f}"
    )
    console.print(summary)
