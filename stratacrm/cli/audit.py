"""`strata audit …`: check the audit trail."""

import typer

from .app import app, setup_django

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify() -> None:
    """Recompute the audit trail's hash chain; exit 1 and name the first broken entry if it is broken."""
    setup_django()
    from stratacrm.accounts.selectors import audit_verify

    report = audit_verify()
    if not report.ok:
        typer.secho(
            f"BROKEN at entry #{report.broken_seq}: {report.problem} "
            f"({report.entries} entries verified before it)",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(1)
    typer.echo(f"OK: {report.entries} entries, last hash {report.last_hash}")
