"""Commands that set up and serve the site: migrate, serve, demo."""

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .app import app, fail, setup_django

console = Console()


def _migrate(verbosity: int = 1) -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=verbosity)


@app.command()
def migrate() -> None:
    """Apply database migrations (creates the SQLite file under ./var on first use)."""
    setup_django()
    _migrate()
    typer.echo("Database is up to date.")


@app.command()
def serve(
    port: int = typer.Option(8000, help="TCP port to listen on."),
    host: str = typer.Option("127.0.0.1", help="Address to bind; keep loopback unless behind a proxy."),
    threads: int = typer.Option(8, help="Worker threads."),
) -> None:
    """Serve the web UI and the admin from the current database."""
    setup_django()
    _serve(host=host, port=port, threads=threads)


def _serve(*, host: str, port: int, threads: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from waitress import serve as waitress_serve

    from stratacrm.config.wsgi import application

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise fail("the database has unapplied migrations: run `strata migrate` first.")
    call_command("collectstatic", interactive=False, verbosity=0)
    console.print(
        f"Strata CRM is serving at [bold]http://{host}:{port}/[/bold] (admin: /admin/). Ctrl-C stops it."
    )
    waitress_serve(application, host=host, port=port, threads=threads, ident="strata")


@app.command()
def demo(
    customers: int = typer.Option(20_000, help="How many customers the demo utility has."),
    seed: int = typer.Option(1, help="Seed of the generated data."),
    port: int = typer.Option(8000, help="TCP port to serve on."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Set up only; do not start the web server."),
) -> None:
    """Set up the demo: database, generated utility, one user per role; then serve it."""
    setup_django()
    from django.conf import settings

    from stratacrm.customers.models import Customer

    _migrate(verbosity=0)
    existing = Customer.objects.count()
    if existing:
        console.print(f"Demo data already loaded ({existing:,} customers); keeping it.")
    else:
        _demo_data_load(customers=customers, seed=seed, directory=settings.VAR_DIR / "demo-data")
    _demo_grading_setup(rules=settings.BASE_DIR / "examples" / "rules" / "utility.yaml")
    credentials = _demo_users_setup()
    credentials_file = settings.VAR_DIR / "demo-credentials.txt"
    credentials_file.write_text("".join(f"{c.username}\t{c.role}\t{c.password}\n" for c in credentials))
    credentials_file.chmod(0o600)
    table = Table(title="Demo users (passwords are new on every run)")
    for column in ("user", "role", "password"):
        table.add_column(column)
    for c in credentials:
        table.add_row(c.username, str(c.role.label), c.password)
    console.print(table)
    console.print(f"The same list is in {credentials_file}.")
    if not no_serve:
        _serve(host="127.0.0.1", port=port, threads=8)


def _demo_data_load(*, customers: int, seed: int, directory: Path) -> None:
    from stratacrm.ingest.generator import generate
    from stratacrm.ingest.loader import load_directory

    from .progress import bar

    end_month = _demo_end_month(dt.date.today())
    with bar(f"Generating {customers:,} customers", total=customers) as advance:
        generate(customers=customers, seed=seed, end_month=end_month, out_dir=directory, progress=advance)
    with bar("Loading into the database", total=None) as advance:
        report = load_directory(path=directory, progress=advance)
    console.print(f"Loaded {report.total_rows:,} rows in {report.seconds:.1f} s.")


def _demo_grading_setup(*, rules: Path) -> None:
    """Load the utility rule set when none is stored, then grade every customer once."""
    from stratacrm.segmentation.ruleset.reading import ruleset_read_file
    from stratacrm.segmentation.runs import grading_run
    from stratacrm.segmentation.selectors import ruleset_is_empty
    from stratacrm.segmentation.services import rule_set_load

    from .progress import bar

    if ruleset_is_empty():
        rule_set_load(document=ruleset_read_file(rules), user=None)
        console.print(f"Loaded the rule set {rules.name}.")
    with bar("Grading every customer", total=None) as advance:
        run = grading_run(progress=advance)
    console.print(
        f"Graded {run.customers_graded:,} customers as of {run.as_of}: "
        f"{run.changed_total:,} assignments changed in {run.duration_seconds or 0:.1f} s."
    )


def _demo_end_month(today: dt.date) -> dt.date:
    """The last month whose data snapshot (taken on the 28th of the next month) is not in the future."""
    months_back = 1 if today.day >= 28 else 2
    month = today.replace(day=1)
    for _ in range(months_back):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def _demo_users_setup() -> list:
    from stratacrm.accounts.models import User
    from stratacrm.accounts.services import demo_users_ensure
    from stratacrm.customers.services import customer_portfolio_transfer

    credentials = demo_users_ensure()
    first_manager = User.objects.filter(username="am0001").first()
    if first_manager is not None:
        customer_portfolio_transfer(from_user=first_manager, to_user=User.objects.get(username="manager"))
    return credentials
