"""Duplicates: the review queue (pairs, score, reasons, both customers masked as the API masks them),
scanning, merging or dismissing a pair, and the recent merges with their undo.

Reading needs `dedupe.view` (administrators, marketing managers, auditors); every action needs
`dedupe.merge` (administrators) and goes through the dedupe services, which audit it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stratacrm.customers.models import Customer
from stratacrm.ingest.dedupe.merge import customer_merge, customer_merge_undo
from stratacrm.ingest.dedupe.review import candidate_dismiss
from stratacrm.ingest.dedupe.scan import dedupe_scan
from stratacrm.ingest.models import DuplicateCandidate, DuplicateStatus, MergeRecord

from ..access import page, signed_in
from ..background import in_background
from ..selectors.dedupe import pending_pairs, recent_merges


def _notices() -> dict[str, str]:
    return {
        "scan": _("The scan has started; new pairs appear here when it ends (reload the page)."),
        "merged": _("The customers were merged. The merge can be undone below."),
        "dismissed": _("The pair was marked as not a duplicate."),
        "undone": _("The merge was undone: both customers and their records are back."),
    }


def _queue(request: HttpRequest, *, problem: str = "", status: int = 200) -> HttpResponse:
    context = {
        "section": "duplicates",
        "pairs": pending_pairs(user=signed_in(request)),
        "merges": recent_merges(),
        "notice": _notices().get(request.GET.get("done", ""), ""),
        "problem": problem,
    }
    return render(request, "web/dedupe/list.html", context, status=status)


def _done(notice: str) -> HttpResponse:
    return redirect(f"{reverse('web:duplicate_list')}?done={notice}")


def _refusal(error: ValidationError) -> str:
    return "; ".join(error.messages)


@page("dedupe.view")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """The pending pairs, best first, both customers side by side masked as the reader's role reads
    customers; the recent merges. Administrators, marketing managers, auditors (`dedupe.view`)."""
    return _queue(request)


@page("dedupe.merge")
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """Scan every customer for likely duplicates in the background (seconds at a million customers);
    pairs found join the queue. Administrators (`dedupe.merge`)."""
    in_background(dedupe_scan, name="dedupe-scan")
    return _done("scan")


def _pending(candidate_id: int) -> DuplicateCandidate:
    candidate = DuplicateCandidate.objects.filter(pk=candidate_id, status=DuplicateStatus.PENDING).first()
    if candidate is None:
        raise Http404("no such pair to review")
    return candidate


@page("dedupe.merge")
@require_POST
def duplicate_merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Merge the pair into the chosen survivor (the other customer is merged into it, field by field by
    the default survivorship rules). Administrators (`dedupe.merge`); audited as `customer.merge`."""
    candidate = _pending(candidate_id)
    pair = (candidate.left_id, candidate.right_id)
    try:
        survivor = int(request.POST.get("survivor", ""))
    except ValueError:
        survivor = 0
    if survivor not in pair:
        return _queue(
            request, problem=_("Survivor: choose one of the two customers of the pair."), status=400
        )
    loser = pair[1] if survivor == pair[0] else pair[0]
    try:
        customer_merge(actor=signed_in(request), survivor_id=survivor, loser_id=loser)
    except (ValidationError, Customer.DoesNotExist) as error:
        text = _refusal(error) if isinstance(error, ValidationError) else str(error)
        return _queue(request, problem=_("The merge was refused: %(reason)s") % {"reason": text}, status=400)
    return _done("merged")


@page("dedupe.merge")
@require_POST
def duplicate_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Mark the pair as not a duplicate; later scans leave it so. Administrators; audited as
    `duplicate.dismiss`."""
    candidate_dismiss(actor=signed_in(request), candidate_id=_pending(candidate_id).pk)
    return _done("dismissed")


@page("dedupe.merge")
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge: the merged-away customer and its records come back exactly. Administrators;
    audited as `customer.merge_undo`; refused (with the reason) when the survivor changed since."""
    if not MergeRecord.objects.filter(pk=merge_id).exists():
        raise Http404("no such merge")
    try:
        customer_merge_undo(actor=signed_in(request), merge_id=merge_id)
    except ValidationError as error:
        return _queue(
            request, problem=_("The undo was refused: %(reason)s") % {"reason": _refusal(error)}, status=400
        )
    return _done("undone")
