"""`strata generate`: write a realistic utility workload (customers and their history) as Parquet or CSV."""

import datetime as dt
import re
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stratacrm.ingest.generator import FORMATS, LOCALES
from stratacrm.ingest.generator import generate as generate_workload

from .app import app, fail

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date:
    """Parse YYYY-MM into the month's first day; raise ValueError otherwise."""
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(f"end month {text!r} is not YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1971:
        raise ValueError(f"end month {text!r} is not a valid month")
    return dt.date(year, month, 1)


@app.command()
def generate(
    customers: Annotated[int, typer.Option("--customers", help="Number of customers.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same files.")] = 1,
    months: Annotated[int, typer.Option("--months", help="Months of history.")] = 24,
    locale: Annotated[str, typer.Option("--locale", help="zh_CN or en.")] = "zh_CN",
    format: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    end_month: Annotated[
        str | None, typer.Option("--end-month", help="Last billed month, YYYY-MM (default: last full month).")
    ] = None,
) -> None:
    """Write a realistic electricity utility's customers, meters, bills, payments, contacts and tickets."""
    if locale not in LOCALES:
        raise fail(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")
    if format not in FORMATS:
        raise fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if out.exists() and not out.is_dir():
        raise fail(f"{out} exists and is not a directory")
    try:
        end = parse_month(end_month) if end_month is not None else None
    except ValueError as error:
        raise fail(str(error)) from None

    console = Console()
    started = time.perf_counter()
    columns = (TextColumn("customers"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("generate", total=customers)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            rows = generate_workload(
                customers=customers,
                seed=seed,
                months=months,
                end_month=end,
                locale=locale,
                out_dir=out,
                fmt=format,
                progress=advance,
            )
        except ValueError as error:
            raise fail(str(error)) from None
    elapsed = time.perf_counter() - started

    table = Table(title=f"{out}", show_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    total = sum(rows.values())
    console.print(f"{total:,} rows in {elapsed:.1f} s ({total / max(elapsed, 1e-9):,.0f} rows/s)")
