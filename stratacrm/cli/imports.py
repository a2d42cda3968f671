"""`strata import FILE --profile NAME` and `strata import-profile load|list|show`: foreign files in."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .app import app, fail, setup_django
from .progress import bar

PROBLEMS_SHOWN = 20
profile_app = typer.Typer(help="Saved import profiles (column mappings).", no_args_is_help=True)
app.add_typer(profile_app, name="import-profile")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The CSV (UTF-8, GBK, …) or .xlsx file to import.")],
    profile: Annotated[str, typer.Option("--profile", "-p", help="Name of a saved import profile.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count only; write nothing.")] = False,
    on_error: Annotated[
        str,
        typer.Option("--on-error", help="abort: refuse the file on any problem; skip: leave bad rows out."),
    ] = "abort",
    problems: Annotated[
        Path | None,
        typer.Option("--problems", help="Where to write the problems CSV (default: beside FILE)."),
    ] = None,
) -> None:
    """Import a file through a saved profile: every row is checked first; all or nothing is written."""
    setup_django()
    from stratacrm.ingest.importer.problems import ImportRefused
    from stratacrm.ingest.importer.profile import ProfileError
    from stratacrm.ingest.importer.services import import_job_create, import_job_map, import_job_run
    from stratacrm.ingest.models import ImportProfile

    if on_error not in ("abort", "skip"):
        raise fail("--on-error must be abort or skip")
    if not file.is_file():
        raise fail(f"{file} is not a file")
    console = Console()
    try:
        job = import_job_create(actor=None, file_name=file.name, path=file, keep=False)
        import_job_map(actor=None, job=job, profile_name=profile)
        with bar(f"importing {file.name}", total=None) as advance:
            report = import_job_run(
                actor=None,
                job=job,
                dry_run=dry_run,
                on_error=on_error,
                problems_path=problems,
                progress=advance,
            )
    except ImportProfile.DoesNotExist:
        raise fail(
            f"no saved profile {profile!r}; load one with `strata import-profile load FILE.yaml`"
        ) from None
    except ProfileError as exc:
        raise fail(str(exc)) from exc
    except ImportRefused as exc:
        for problem in exc.problems.first(PROBLEMS_SHOWN):
            console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        if exc.problems.total > PROBLEMS_SHOWN:
            console.print(f"  … and {exc.problems.total - PROBLEMS_SHOWN} more")
        console.print(f"Every problem: {job.problems_file}", markup=False, highlight=False)
        raise fail(f"{exc.problems.total} problem(s); nothing was imported (job #{job.pk}).") from exc
    title = "Checked (dry run, nothing written)" if dry_run else "Imported"
    summary = Table(title=f"{title}: {report.rows:,} rows in {report.seconds:.1f} s (job #{job.pk})")
    for heading in ("table", "new", "updated", "unchanged"):
        summary.add_column(heading, justify="left" if heading == "table" else "right")
    for name, counts in report.tables.items():
        summary.add_row(name, *(f"{counts[k]:,}" for k in ("new", "updated", "unchanged")))
    console.print(summary)
    for rule, entry in report.cleaning.items():
        console.print(f"  cleaned: {rule}: {entry['count']:,}", markup=False, highlight=False)
    if report.problems:
        console.print(
            f"{report.rows_skipped:,} row(s) skipped for {report.problems.total:,} problem(s): "
            f"{job.problems_file}",
            markup=False,
            highlight=False,
        )


@profile_app.command("load")
def profile_load(
    file: Annotated[Path, typer.Argument(help="A profile in YAML (see examples/import/).")],
) -> None:
    """Check a profile file and save it under its name (replacing a profile of that name)."""
    setup_django()
    from stratacrm.ingest.importer.profile import ProfileError
    from stratacrm.ingest.importer.services import import_profile_save

    try:
        saved = import_profile_save(actor=None, definition=file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {file}: {exc}") from exc
    except ProfileError as exc:
        raise fail(f"{file}: {exc}") from exc
    typer.echo(f"saved profile {saved.name!r}")


@profile_app.command("list")
def profile_list() -> None:
    """The saved profiles."""
    setup_django()
    from stratacrm.ingest.models import ImportProfile

    for saved in ImportProfile.objects.all():
        typer.echo(f"{saved.name}\t{saved.description}")


@profile_app.command("show")
def profile_show(name: str) -> None:
    """A saved profile as YAML."""
    setup_django()
    import yaml

    from stratacrm.ingest.models import ImportProfile

    try:
        saved = ImportProfile.objects.get(name=name)
    except ImportProfile.DoesNotExist:
        raise fail(f"no saved profile {name!r}") from None
    typer.echo(yaml.safe_dump(saved.definition, allow_unicode=True, sort_keys=False))


@app.command("import-purge")
def import_purge(
    days: Annotated[
        int | None,
        typer.Option("--days", min=0, help="Keep files this many days (default: STRATA_IMPORT_KEEP_DAYS)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would go; delete nothing.")] = False,
) -> None:
    """Delete uploaded import files (and their problem files) older than the retention period."""
    setup_django()
    from stratacrm.ingest.importer.retention import import_files_purge

    report = import_files_purge(days=days, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    typer.echo(
        f"{verb} {len(report.folders)} upload folder(s), {report.bytes:,} bytes, of {len(report.jobs)} "
        f"job(s) created before {report.cutoff:%Y-%m-%d %H:%M}"
    )
