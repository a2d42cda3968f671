"""`strata webhooks deliver`: queue new grade changes and tickets for subscribers and send what is due."""

from typing import Annotated

import typer

from .app import app, setup_django

webhooks_app = typer.Typer(help="Webhooks to other systems.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command("deliver")
def deliver(
    loop: Annotated[bool, typer.Option(help="Keep going, every --every seconds, until stopped.")] = False,
    every: Annotated[float, typer.Option(help="Seconds between rounds with --loop.")] = 10.0,
) -> None:
    """One round (or, with --loop, a round every few seconds): queue, then send due deliveries."""
    setup_django()
    import time

    from stratacrm.ingest.webhooks.deliver import webhooks_run

    while True:
        counts = webhooks_run()
        typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
        if not loop:
            return
        time.sleep(every)
