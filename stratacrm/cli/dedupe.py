"""`strata dedupe scan|list|merge|undo`: find duplicate customers, review them, merge and unmerge."""

from typing import Annotated

import typer

from .app import app, fail, setup_django

dedupe_app = typer.Typer(help="Duplicate customers: scan, review, merge, undo.", no_args_is_help=True)
app.add_typer(dedupe_app, name="dedupe")


@dedupe_app.command("scan")
def scan(
    threshold: Annotated[float, typer.Option(help="Lowest match score (0–100) that is queued.")] = 85.0,
) -> None:
    """Compare customers sharing a phone, e-mail, ID number or name+city; queue likely duplicates."""
    setup_django()
    from stratacrm.ingest.dedupe.scan import dedupe_scan

    report = dedupe_scan(threshold=threshold)
    typer.echo(
        f"{report.customers:,} customers, {report.pairs_compared:,} pairs compared, "
        f"{report.candidates:,} likely duplicates ({report.new_candidates:,} new) in {report.seconds:.1f} s"
    )
    if report.blocks_skipped:
        typer.echo(f"{report.blocks_skipped:,} blocks larger than the limit were skipped")


@dedupe_app.command("list")
def list_candidates(
    status: Annotated[str, typer.Option(help="pending, merged or dismissed")] = "pending",
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
) -> None:
    """The review queue, best matches first (names as stored; phones and e-mails masked)."""
    setup_django()
    from stratacrm.accounts.masking import mask_value
    from stratacrm.ingest.models import DuplicateCandidate

    queue = DuplicateCandidate.objects.filter(status=status).select_related("left", "right")[:limit]
    for c in queue:
        reasons = ", ".join(f"{r['field']} {r['rule']}" for r in c.reasons)
        people = [
            f"{x.pk} {x.account_number} {x.name} {mask_value('phone', x.phone, record={})}"
            for x in (c.left, c.right)
        ]
        typer.echo(f"#{c.pk} {c.score:5.1f}  {people[0]}  ~  {people[1]}  [{reasons}]")


@dedupe_app.command("merge")
def merge(
    survivor: Annotated[int, typer.Argument(help="Id of the customer that stays.")],
    loser: Annotated[int, typer.Argument(help="Id of the customer merged into it (and removed).")],
    rule: Annotated[
        list[str] | None, typer.Option(help="FIELD=STRATEGY, e.g. name=survivor (repeatable).")
    ] = None,
) -> None:
    """Merge one customer into another: events re-pointed, fields by survivorship rules, re-graded."""
    setup_django()
    from django.core.exceptions import ValidationError

    from stratacrm.customers.models import Customer
    from stratacrm.ingest.dedupe.merge import customer_merge

    rules = dict(r.split("=", 1) for r in rule or [] if "=" in r)
    try:
        record = customer_merge(actor=None, survivor_id=survivor, loser_id=loser, rules=rules)
    except (ValidationError, Customer.DoesNotExist) as exc:
        raise fail(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    moved = sum(len(ids) for ids in record.repointed.values())
    typer.echo(f"merged {loser} into {survivor} (merge #{record.pk}, {moved} rows re-pointed)")
    typer.echo(f"to undo: strata dedupe undo {record.pk}")


@dedupe_app.command("undo")
def undo(merge_id: Annotated[int, typer.Argument(help="The merge number `merge` printed.")]) -> None:
    """Undo a merge: the merged-away customer and its events come back exactly."""
    setup_django()
    from django.core.exceptions import ValidationError

    from stratacrm.ingest.dedupe.merge import customer_merge_undo
    from stratacrm.ingest.models import MergeRecord

    try:
        loser = customer_merge_undo(actor=None, merge_id=merge_id)
    except (ValidationError, MergeRecord.DoesNotExist) as exc:
        raise fail(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    typer.echo(f"merge #{merge_id} undone: customer {loser.pk} {loser.account_number} is back")
