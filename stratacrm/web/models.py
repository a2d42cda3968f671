"""What the web pages keep for their users: saved customer-list views, rule and scheme previews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stratacrm.segmentation.ruleset.schemes import SCHEME_DIMENSIONS


class SavedView(models.Model):
    """A customer-list query a user named to come back to: filters, sort, as a query string."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query string"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique"),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="saved_view_name_not_blank",
                violation_error_message=_("A saved view needs a name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PreviewStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PreviewRow(models.Model):
    """What a rule preview and a scheme preview share: who asked, against which definitions, and the
    background evaluation's state.

    The evaluation runs in the background; `result` holds the migration matrices and examples once it
    is ready. Publishing takes the edited definition from the preview row, so what goes live is exactly
    what was previewed, and only while the definitions in force are still those the preview compared
    against (`base_key`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    base_key = models.TextField(_("versions previewed against"))
    status = models.CharField(
        _("status"), max_length=16, choices=PreviewStatus.choices, default=PreviewStatus.RUNNING
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class RulePreview(PreviewRow):
    """A rule as edited in the builder, evaluated against every customer without publishing it."""

    dimension = models.CharField(_("dimension"), max_length=64)
    rule_name = models.CharField(_("rule"), max_length=100)
    rule = models.JSONField(_("rule definition"))

    class Meta(PreviewRow.Meta):
        verbose_name = _("rule preview")
        verbose_name_plural = _("rule previews")

    def __str__(self) -> str:
        return f"{self.dimension}/{self.rule_name} ({self.status})"


class SchemePreview(PreviewRow):
    """A grade scheme as edited on its page, evaluated against every customer without publishing it."""

    kind = models.CharField(_("grade scheme"), max_length=16)
    definition = models.JSONField(_("scheme definition"))

    class Meta(PreviewRow.Meta):
        verbose_name = _("scheme preview")
        verbose_name_plural = _("scheme previews")

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"

    @property
    def dimension(self) -> str:
        """The dimension the scheme grades (its matrix is shown first)."""
        return SCHEME_DIMENSIONS.get(self.kind, self.kind)
