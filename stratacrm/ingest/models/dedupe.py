"""The duplicate review queue and the record of each merge (enough to undo it)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stratacrm.customers.models import Customer


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


class DuplicateCandidate(models.Model):
    """A pair of customers that may be one: the match score (0–100) and the reasons found.

    The pair is stored with the lower customer id first, so a pair is queued once whatever the order
    it was found in. `reasons` lists what matched, e.g. `{"field": "phone", "rule": "exact"}`.
    """

    left = models.ForeignKey(Customer, verbose_name=_("left"), on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Customer, verbose_name=_("right"), on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    found_at = models.DateTimeField(_("found at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["status", "score"], name="duplicate_status_score_idx")]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(left__lt=F("right")),
                name="duplicate_pair_ordered",
                violation_error_message=_("A pair names the lower customer id first."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DuplicateStatus.values),
                name="duplicate_status_valid",
                violation_error_message=_("Unknown duplicate status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.score:.0f})"


class MergeRecord(models.Model):
    """What one merge changed, so that it can be undone exactly.

    The loser's row (`loser`, every concrete field by attribute name) and its tags; the survivor's
    values before and after; per related model, the ids of the rows re-pointed from the loser to the
    survivor (`repointed`); and the rows that went with the loser (its grades and history, queue
    entries), serialised in `removed`. Ids are plain numbers: the loser no longer exists.
    """

    survivor_id = models.PositiveBigIntegerField(_("survivor id"))
    loser_id = models.PositiveBigIntegerField(_("loser id"))
    loser_account_number = models.CharField(_("loser account number"), max_length=32, db_index=True)
    loser = models.JSONField(_("loser row"))
    loser_tags = models.JSONField(_("loser tags"), default=list)
    survivor_before = models.JSONField(_("survivor before"))
    survivor_after = models.JSONField(_("survivor after"))
    survivor_tags_before = models.JSONField(_("survivor tags before"), default=list)
    repointed = models.JSONField(_("re-pointed rows"), default=dict)
    removed = models.JSONField(_("rows removed with the loser"), default=list)
    rules = models.JSONField(_("survivorship rules"), default=dict)
    candidate = models.ForeignKey(
        DuplicateCandidate, verbose_name=_("candidate"), on_delete=models.SET_NULL, null=True, blank=True
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.loser_id} → {self.survivor_id}"
