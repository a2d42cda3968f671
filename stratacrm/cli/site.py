"""Commands that set up and serve the site: migrate, serve."""

import typer

from .app import app, setup_django


@app.command()
def migrate() -> None:
    """Apply database migrations (creates the SQLite file under ./var on first use)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=1)
    typer.echo("Database is up to date.")
