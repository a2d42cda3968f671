"""What the API's rule drafts and scheme drafts share: a preview as its reader may see it, and
publishing a draft with the grading run that follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_may
from stratacrm.customers.selectors import customer_scope
from stratacrm.segmentation.models import GradingRun
from stratacrm.segmentation.services import LoadReport

from .run_jobs import run_started_after


def preview_present(*, user: User, result: dict[str, Any]) -> dict[str, Any]:
    """A preview's result as `user` reads it: example customers outside its scope left out."""
    moves: list[list[Any]] = result.get("moves", [])
    named = {number for move in moves for number in move[4]}
    visible = set(
        customer_scope(user=user).filter(account_number__in=named).values_list("account_number", flat=True)
    )
    return {
        "customers": result.get("customers", 0),
        "as_of": result.get("as_of"),
        "engine": result.get("engine", ""),
        "moves": [
            {
                "dimension": m[0],
                "from_value": m[1],
                "to_value": m[2],
                "customers": m[3],
                "examples": [n for n in m[4] if n in visible],
            }
            for m in moves
        ],
    }


def draft_publish(
    publish: Callable[..., LoadReport], *, user: User, draft_id: int
) -> tuple[LoadReport, GradingRun | None]:
    """Publish one's own draft with `publish` (the web's rule or scheme preview publish) and start a
    grading run (when the user may); the run's row once it exists. PublishRefused when the draft is not
    ready, already published, or the definitions in force moved on since it was made."""
    since = timezone.now()
    report = publish(user=user, preview_id=draft_id)
    run = run_started_after(user=user, since=since) if user_may(user, "run.start") else None
    return report, run
