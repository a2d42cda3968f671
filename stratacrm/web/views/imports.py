"""Imports: past jobs and the upload, one job with its report and progress, and its problems.

Reading (`import.view`: administrators and auditors) shows counts, the cleaning report (examples masked
when recorded) and the problems (row, column, value, reason: the file's own values, as the API and the
problems file give them). Uploading and every later step need `import.run` (administrators).
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stratacrm.accounts.services.audit import audit_record
from stratacrm.ingest.importer.problems import ImportRefused, Problem
from stratacrm.ingest.models import ImportJob, JobStatus

from ..access import page, signed_in
from ..import_forms import UploadForm
from ..import_labels import stage_label
from ..selectors.imports import job_lines, mapping_name, problems_page, table_counts
from ..services.imports import import_progress, import_upload

PROBLEMS_SHOWN = 20


def job_get(job_id: int) -> ImportJob:
    try:
        return ImportJob.objects.select_related("profile", "created_by").get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise Http404("no such import") from None


def _list(
    request: HttpRequest, form: UploadForm | None = None, problems: list[Problem] | None = None
) -> HttpResponse:
    context = {"section": "imports", "lines": job_lines(), "form": form or UploadForm(), "problems": problems}
    return render(request, "web/imports/list.html", context)


@page("import.view")
def import_list(request: HttpRequest) -> HttpResponse:
    """Past imports, newest first: file, who, mapping, status and counts; the upload form for those who
    may import. Administrators and auditors (`import.view`); no customer values show."""
    return _list(request)


@page("import.run")
@require_POST
def import_upload_file(request: HttpRequest) -> HttpResponse:
    """Store an uploaded CSV or .xlsx file as a new import and go on to its mapping; a file that cannot
    be read is refused with the reason and nothing is kept. Administrators (`import.run`); audited."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list(request, form)
    upload = form.cleaned_data["file"]
    try:
        job = import_upload(
            user=signed_in(request),
            name=str(upload.name),
            chunks=upload.chunks(),
            encoding=form.cleaned_data["encoding"],
        )
    except ImportRefused as refused:
        return _list(request, form, refused.problems.first(PROBLEMS_SHOWN))
    return redirect("web:import_mapping", job_id=job.pk)


def job_context(job: ImportJob) -> dict[str, object]:
    problems, more = problems_page(job, page=1)
    progress = import_progress(job)
    return {
        "section": "imports",
        "job": job,
        "mapping": mapping_name(job),
        "tables": table_counts(job),
        "cleaning": job.report.get("cleaning") or {},
        "problems": problems[:PROBLEMS_SHOWN],
        "more_problems": more or len(problems) > PROBLEMS_SHOWN,
        "progress": progress,
        "stage": stage_label(progress.stage),
        "running": job.status == JobStatus.RUNNING,
        "open": job.status not in (JobStatus.RUNNING, JobStatus.COMMITTED) and bool(job.file_path),
    }


@page("import.view")
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """One import: the file (name, size, SHA-256), mapping, status, counts per table, cleaning and the
    first problems; the next step for those who may import. Administrators and auditors."""
    return render(request, "web/imports/job.html", job_context(job_get(job_id)))


@page("import.view")
def import_progress_show(request: HttpRequest, job_id: int) -> HttpResponse:
    """How a commit is going (the page polls this every second until it ends). Administrators and
    auditors; counts only."""
    context = job_context(job_get(job_id))
    response = render(request, "web/imports/_progress.html", context)
    if not context["running"]:
        response["HX-Trigger"] = "import-changed"
    return response


@page("import.view")
def import_problems(request: HttpRequest, job_id: int) -> HttpResponse:
    """Every problem of the job's last check, 100 a page. Administrators and auditors."""
    job = job_get(job_id)
    try:
        number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        number = 1
    problems, more = problems_page(job, page=number)
    context = {"section": "imports", "job": job, "problems": problems, "page": number, "more": more}
    return render(request, "web/imports/problems.html", context)


@page("import.view")
def import_problems_csv(request: HttpRequest, job_id: int) -> FileResponse:
    """Every problem as CSV (row, table, column, value, reason). Administrators and auditors; audited as
    an export."""
    job = job_get(job_id)
    path = Path(job.problems_file) if job.problems_file else None
    if path is None or not path.is_file():
        raise Http404("this import has no problems file")
    audit_record(
        actor=signed_in(request),
        action="import.problems_export",
        obj=job,
        after={"file": job.file_name, "problems": job.problems_total},
    )
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"import-{job.pk}-problems.csv", content_type="text/csv"
    )
