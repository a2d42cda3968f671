"""Import profiles (a saved column mapping) and import jobs (one file imported, or tried)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportProfile(models.Model):
    """A named, reusable mapping from a foreign file's columns to Strata's fields.

    `definition` is the profile as its YAML file states it (see `ingest.importer.profile`); it is
    checked when saved, so a stored profile is always usable.
    """

    name = models.SlugField(_("name"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    definition = models.JSONField(_("definition"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    RUNNING = "running", _("Running")
    VALID = "valid", _("Checked, nothing written (dry run)")
    INVALID = "invalid", _("Refused: problems found, nothing written")
    COMMITTED = "committed", _("Committed")
    FAILED = "failed", _("Failed, nothing written")


class ImportJob(models.Model):
    """One import of one file: who, which file (name, size, SHA-256), the mapping used, what happened.

    `report` holds the counts per table (new, updated, unchanged, skipped) and the cleaning report (count
    and masked examples per rule); `problems_file` the CSV of every problem found (row, column, value,
    reason). Progress (`rows_done` of `rows_total`, `stage`) is saved as the job goes, for the page.
    """

    profile = models.ForeignKey(
        ImportProfile, verbose_name=_("profile"), on_delete=models.SET_NULL, null=True, blank=True
    )
    mapping = models.JSONField(_("mapping used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_path = models.CharField(_("stored file"), max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    on_error = models.CharField(_("on error"), max_length=8, default="abort")
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    rows_total = models.PositiveBigIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveBigIntegerField(_("rows done"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    problems_total = models.PositiveBigIntegerField(_("problems"), default=0)
    problems_file = models.CharField(_("problems file"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values),
                name="import_job_status_valid",
                violation_error_message=_("Unknown import job status."),
            ),
            models.CheckConstraint(
                condition=Q(on_error__in=["abort", "skip"]),
                name="import_job_on_error_valid",
                violation_error_message=_("On error must be abort or skip."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name} {self.status}"


class ImportedRow(models.Model):
    """The hash of an imported event that has no natural key (payments, interactions, …): of the fields
    its profile names as the table's key, or else of its whole content.

    Re-importing the row finds its hash here: with a key, changed values update the row; by content, the
    same row writes nothing.
    """

    target = models.CharField(_("target"), max_length=32)
    content_hash = models.CharField(_("content hash"), max_length=64)
    object_id = models.PositiveBigIntegerField(_("object id"))
    job = models.ForeignKey(
        ImportJob, verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.UniqueConstraint(fields=["target", "content_hash"], name="imported_row_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.content_hash[:12]}"
