"""The steps of one import: map its columns (a saved profile, or by hand in the browser), preview, commit.

Every step needs `import.run` (administrators). The preview is the importer's dry run: nothing is
written; its first rows are masked as the reader reads customers. The commit runs in the background,
all or nothing, and the page polls its progress.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stratacrm.ingest.importer.problems import ImportRefused
from stratacrm.ingest.importer.profile import ProfileError
from stratacrm.ingest.importer.services import import_job_map, import_job_run
from stratacrm.ingest.models import ImportJob, ImportProfile

from ..access import page, signed_in
from ..import_forms import JOB_PROFILE, MappingForm, mapping_initial
from ..import_labels import target_label
from ..selectors.imports import preview_tables
from ..services.imports import CommitRefused, import_commit_start, import_mapping_save, job_sample
from .imports import job_context, job_get

PREVIEW_ROWS = 20
PROBLEMS_SHOWN = 100


def _mapping_page(
    request: HttpRequest, job: ImportJob, *, form: MappingForm | None = None, error: str = ""
) -> HttpResponse:
    given = request.POST if request.method == "POST" else request.GET
    encoding = given.get("encoding") or job.encoding or "auto"
    delimiter = given.get("delimiter") or ","
    context: dict[str, Any] = {
        "section": "imports",
        "job": job,
        "profiles": ImportProfile.objects.all(),
        "error": error,
    }
    try:
        sample = job_sample(job=job, encoding=encoding, delimiter=delimiter)
    except ImportRefused as refused:
        context["file_problems"] = refused.problems.first(PROBLEMS_SHOWN)
        return render(request, "web/imports/mapping.html", context)
    if form is None:
        initial = {} if "target" in given else mapping_initial(job.mapping, sample.header)
        initial.setdefault("encoding", encoding)
        initial.setdefault("delimiter", delimiter)
        target = given.get("target") or initial.get("target") or "customers"
        initial["target"] = target
        form = MappingForm(header=sample.header, target=target, initial=initial)
    context.update(sample=sample, form=form, samples={c: sample.values(c)[:3] for c in sample.header})
    return render(request, "web/imports/mapping.html", context)


def _open_job(job_id: int) -> ImportJob | None:
    """The job, if it can still be mapped, previewed and committed (not running, not committed, and its
    file not yet deleted by the retention period)."""
    job = job_get(job_id)
    return job if job_context(job)["open"] else None


@page("import.run")
def import_mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    """Map the file's columns to Strata's fields, with the file's first rows beside each column, or
    choose a saved profile; optionally save the mapping as a named profile. Administrators."""
    job = _open_job(job_id)
    if job is None:
        return redirect("web:import_detail", job_id=job_id)
    if request.method != "POST":
        return _mapping_page(request, job)
    try:
        sample = job_sample(
            job=job, encoding=request.POST.get("encoding", ""), delimiter=request.POST.get("delimiter") or ","
        )
    except ImportRefused:
        return _mapping_page(request, job)
    form = MappingForm(request.POST, header=sample.header, target=request.POST.get("target", ""))
    if not form.is_valid():
        return _mapping_page(request, job, form=form)
    definition = form.definition(default_name=f"{JOB_PROFILE}{job.pk}")
    try:
        import_mapping_save(
            user=signed_in(request),
            job=job,
            definition=definition,
            save=bool(form.cleaned_data["profile_name"]),
        )
    except ProfileError as error:
        form.add_error(None, _("The importer cannot use this mapping: %(reason)s") % {"reason": error})
        return _mapping_page(request, job, form=form)
    return redirect("web:import_detail", job_id=job.pk)


@page("import.run")
@require_POST
def import_profile_use(request: HttpRequest, job_id: int) -> HttpResponse:
    """Map the job with a saved profile. Administrators."""
    job = _open_job(job_id)
    if job is None:
        return redirect("web:import_detail", job_id=job_id)
    try:
        import_job_map(actor=signed_in(request), job=job, profile_name=request.POST.get("profile", ""))
    except (ImportProfile.DoesNotExist, ProfileError):
        return _mapping_page(request, job, error=_("Choose one of the saved profiles."))
    return redirect("web:import_detail", job_id=job.pk)


@page("import.run")
@require_POST
def import_preview(request: HttpRequest, job_id: int) -> HttpResponse:
    """Check every row without writing: counts of new, changed and unchanged rows, the first rows after
    cleaning (masked for the reader's role), and every problem. Administrators."""
    user = signed_in(request)
    job = _open_job(job_id)
    context: dict[str, Any] = {"job": job_get(job_id), "checked": False}
    if job is not None and job.mapping is not None:
        try:
            report = import_job_run(
                actor=user, job=job, dry_run=True, on_error="skip", preview_rows=PREVIEW_ROWS
            )
        except ProfileError as error:
            context["error"] = str(error)
        except ImportRefused as refused:
            context.update(problems=refused.problems.first(PROBLEMS_SHOWN), refused=True)
        else:
            context.update(
                checked=True,
                report=report,
                counts=[(target_label(n), c) for n, c in report.tables.items()],
                preview=preview_tables(report, role=user.role),
                problems=report.problems.first(PROBLEMS_SHOWN),
            )
        context["job"] = job_get(job_id)
    context["problems_total"] = context["job"].problems_total
    if not getattr(request, "htmx", False):
        return render(request, "web/imports/job.html", {**job_context(context["job"]), "preview": context})
    response = render(request, "web/imports/_preview.html", context)
    response["HX-Trigger"] = "import-changed"  # the status in the page's head follows
    return response


@page("import.run")
@require_POST
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    """Import the file in the background, all or nothing: any problem refuses it (`abort`), or the rows
    with problems are left out (`skip`). Administrators; audited."""
    job = job_get(job_id)
    error = ""
    try:
        import_commit_start(user=signed_in(request), job=job, on_error=request.POST.get("on_error", "abort"))
    except CommitRefused:
        error = _("This import cannot be committed now: it is not mapped, is running or was committed.")
    if not getattr(request, "htmx", False):
        return redirect("web:import_detail", job_id=job.pk)
    context = {**job_context(job_get(job_id)), "error": error}
    response = render(request, "web/imports/_progress.html", context)
    response["HX-Trigger"] = "import-changed"
    return response
