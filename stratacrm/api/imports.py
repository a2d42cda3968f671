"""Import endpoints: upload a file, choose its mapping, preview (a dry run), commit; jobs, problems, profiles.

Thin on top of `ingest.importer.services`; the same services serve the CLI and the UI.
"""

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from ninja import File, Schema, Status
from ninja import Path as PathParam
from ninja.files import UploadedFile

from stratacrm.accounts.masking import customer_fields_mask, event_notes_mask
from stratacrm.ingest.importer.problems import ImportRefused
from stratacrm.ingest.importer.profile import ProfileError
from stratacrm.ingest.importer.services import (
    import_job_create,
    import_job_map,
    import_job_run,
    import_profile_save,
)
from stratacrm.ingest.models import ImportJob, ImportProfile

from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .types import MAX_ID, Text64

router = PolicyRouter(tags=["imports"])
PREVIEW_ROWS = 20
PROBLEMS_SHOWN = 100
MAX_UPLOAD_BYTES = 512 << 20
CSV_RESPONSE = {"200": {"description": "CSV file", "content": {"text/csv": {"schema": {"type": "string"}}}}}


class ImportJobOut(Schema):
    id: int
    file_name: str
    file_size: int
    file_sha256: str
    encoding: str
    status: str
    stage: str
    dry_run: bool
    on_error: str
    profile: str | None
    created_by: str | None
    created_at: Any
    finished_at: Any | None
    rows_total: int
    rows_done: int
    problems_total: int
    report: dict[str, Any]


class ImportJobPage(Schema):
    items: list[ImportJobOut]


class MappingIn(Schema):
    profile: Text64 = ""
    definition: dict[str, Any] | None = None


class CommitIn(Schema):
    on_error: str = "abort"


class ProblemOut(Schema):
    row: int | None
    table: str
    column: str
    value: Any | None
    reason: str


class PreviewOut(Schema):
    job: ImportJobOut
    rows: dict[str, list[dict[str, Any]]]
    problems: list[ProblemOut]


class ProfileOut(Schema):
    name: str
    description: str
    definition: dict[str, Any]


class ProfileIn(Schema):
    definition: dict[str, Any] | None = None
    yaml: str | None = None


class ProfilePage(Schema):
    items: list[ProfileOut]


def _job_out(job: ImportJob) -> dict[str, Any]:
    return {
        **{
            f: getattr(job, f)
            for f in ImportJobOut.model_fields
            if hasattr(job, f) and f not in ("profile", "created_by")
        },
        "profile": job.profile.name if job.profile else (job.mapping or {}).get("name"),
        "created_by": job.created_by.get_username() if job.created_by else None,
    }


def _job(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("profile", "created_by").get(pk=job_id)


def _invalid(exc: Exception) -> ValidationError:
    return ValidationError({"mapping": str(exc)})


def _refused(exc: ImportRefused) -> ValidationError:
    return ValidationError(
        [f"{p} [{p.table}]" if p.table else str(p) for p in exc.problems.first(PROBLEMS_SHOWN)]
    )


@router.get("/imports", response={200: ImportJobPage, **ERRORS}, auth=allow("import.view"))
def imports_list(request: HttpRequest) -> Any:
    """The latest 100 import jobs, newest first. Administrators and auditors; no customer values shown."""
    jobs = ImportJob.objects.select_related("profile", "created_by")[:100]
    return {"items": [_job_out(j) for j in jobs]}


@router.post("/imports", response={201: ImportJobOut, **ERRORS}, auth=allow("import.run"))
def imports_upload(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Upload a CSV or .xlsx file to import; nothing is read into the database yet. Administrators only.

    The file is stored with its SHA-256; choose a mapping next (`PUT /api/imports/{job_id}/mapping`).
    """
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": f"larger than {MAX_UPLOAD_BYTES >> 20} MiB"})
    with tempfile.NamedTemporaryFile() as handle:
        for chunk in file.chunks():
            handle.write(chunk)
        handle.flush()
        job = import_job_create(
            actor=caller(request), file_name=file.name or "upload", path=Path(handle.name)
        )
    return Status(201, _job_out(job))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **ERRORS}, auth=allow("import.view"))
def imports_detail(request: HttpRequest, job_id: int = PathParam(..., ge=1, le=MAX_ID)) -> Any:
    """One import job with its progress (`stage`, `rows_done` of `rows_total`) and report (counts per
    table, cleaning counts with masked examples). Administrators and auditors."""
    return _job_out(_job(job_id))


@router.put("/imports/{job_id}/mapping", response={200: ImportJobOut, **ERRORS}, auth=allow("import.run"))
def imports_map(
    request: HttpRequest, payload: MappingIn, job_id: int = PathParam(..., ge=1, le=MAX_ID)
) -> Any:
    """Choose the job's mapping: a saved profile by name, or a profile given inline. Administrators only."""
    job = _job(job_id)
    try:
        import_job_map(
            actor=caller(request), job=job, profile_name=payload.profile, definition=payload.definition
        )
    except ProfileError as exc:
        raise _invalid(exc) from exc
    return _job_out(job)


def _masked(table: str, rows: list[dict[str, Any]], role: str) -> list[dict[str, Any]]:
    if table == "customers":
        return [customer_fields_mask(r, role=role) for r in rows]
    return [event_notes_mask(r, role=role) for r in rows]


@router.post("/imports/{job_id}/preview", response={200: PreviewOut, **ERRORS}, auth=allow("import.run"))
def imports_preview(request: HttpRequest, job_id: int = PathParam(..., ge=1, le=MAX_ID)) -> Any:
    """A dry run: the first rows as they would be written, masked as the caller reads customers (phones,
    e-mails, addresses, ID numbers masked; notes masked for roles that see them masked), every problem
    (the first 100 here, all in the problems file) and the counts of new, changed and unchanged rows.
    Administrators only. Nothing is written."""
    user = caller(request)
    job = _job(job_id)
    try:
        report = import_job_run(actor=user, job=job, dry_run=True, on_error="skip", preview_rows=PREVIEW_ROWS)
    except ProfileError as exc:
        raise _invalid(exc) from exc
    except ImportRefused as exc:
        return {
            "job": _job_out(job),
            "rows": {},
            "problems": [vars(p) for p in exc.problems.first(PROBLEMS_SHOWN)],
        }
    rows = {t: _masked(t, r, user.role) for t, r in report.preview.items()}
    return {
        "job": _job_out(job),
        "rows": rows,
        "problems": [vars(p) for p in report.problems.first(PROBLEMS_SHOWN)],
    }


@router.post("/imports/{job_id}/commit", response={200: ImportJobOut, **ERRORS}, auth=allow("import.run"))
def imports_commit(
    request: HttpRequest, payload: CommitIn, job_id: int = PathParam(..., ge=1, le=MAX_ID)
) -> Any:
    """Import the file: all rows, or (`on_error: skip`) all rows without problems, in one transaction;
    any problem with `abort` refuses the file (422 listing the first 100; nothing written). Audited.
    Administrators only."""
    job = _job(job_id)
    try:
        import_job_run(actor=caller(request), job=job, on_error=payload.on_error)
    except ProfileError as exc:
        raise _invalid(exc) from exc
    except ImportRefused as exc:
        raise _refused(exc) from exc
    return _job_out(job)


@router.get(
    "/imports/{job_id}/problems",
    response={**ERRORS},
    auth=allow("import.view"),
    openapi_extra={"responses": CSV_RESPONSE},
)
def imports_problems(request: HttpRequest, job_id: int = PathParam(..., ge=1, le=MAX_ID)) -> Any:
    """Every problem of the job's last run as CSV: row, table, column, value, reason. Administrators and
    auditors (values are the file's own, as the uploader sent them)."""
    job = _job(job_id)
    path = Path(job.problems_file) if job.problems_file else None
    if path is None or not path.is_file():
        raise ImportJob.DoesNotExist("this job has no problems file")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"import-{job.pk}-problems.csv", content_type="text/csv"
    )


@router.get("/import-profiles", response={200: ProfilePage, **ERRORS}, auth=allow("import.view"))
def import_profiles_list(request: HttpRequest) -> Any:
    """The saved import profiles (column mappings). Administrators and auditors."""
    return {"items": list(ImportProfile.objects.values("name", "description", "definition"))}


@router.post("/import-profiles", response={200: ProfileOut, **ERRORS}, auth=allow("import.run"))
def import_profiles_save(request: HttpRequest, payload: ProfileIn) -> Any:
    """Check a profile (as data, or as YAML text) and save it under its name. Administrators only."""
    given = payload.yaml if payload.yaml is not None else payload.definition
    if given is None:
        raise ValidationError({"definition": "give the profile as definition or as yaml"})
    try:
        saved = import_profile_save(actor=caller(request), definition=given)
    except ProfileError as exc:
        raise _invalid(exc) from exc
    return {"name": saved.name, "description": saved.description, "definition": saved.definition}
