"""The `strata` command. Importing a command module registers its commands on the app."""

from . import audit, dedupe, generate, grade, imports, load, rules, site, webhooks  # noqa: F401
from .app import app


def main() -> None:
    app()
