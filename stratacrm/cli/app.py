"""The `strata` command's Typer application; each command module registers itself on `app`."""

import os

import typer

app = typer.Typer(
    name="strata",
    help="Strata CRM: customer classification and grading.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def setup_django(settings_module: str = "stratacrm.config.django.local") -> None:
    """Configure Django for commands that touch the operational database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a plain error (no traceback) and return the exit to raise."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.callback()
def root() -> None:
    """Strata CRM: customer classification and grading."""
