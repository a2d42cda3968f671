"""Stored definitions (dimensions, versioned rules, metrics, schemes), grading runs, assignments, history.

Definitions are versioned rows: an edit adds a version and marks it current; old versions stay so that
an assignment can always name the exact rule version that made it and a past run can be replayed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stratacrm.customers.models import Customer


class DimensionMode(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive (first matching rule by priority)")
    TAGS = "tags", _("Tags (every matching rule)")


class SchemeKind(models.TextChoices):
    VALUE_SCORE = "value_score", _("Value score and tiers")
    LIFECYCLE = "lifecycle", _("Lifecycle stages")
    CHURN_RISK = "churn_risk", _("Churn risk")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ChangeSource(models.TextChoices):
    BATCH = "batch", _("Grading run")
    LIVE = "live", _("Live re-grade")


class Versioned(models.Model):
    """Common fields of a versioned definition."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    definition = models.JSONField(_("definition"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Metric(Versioned):
    """A custom metric added by an administrator (built-ins live in code and need no row)."""

    class Meta:
        verbose_name = _("custom metric")
        verbose_name_plural = _("custom metrics")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="metric_name_version_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(is_current=True), name="metric_one_current"),
        ]


class Dimension(models.Model):
    """A way customers are classified: one value per customer (exclusive) or any number of tags."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    mode = models.CharField(_("mode"), max_length=16, choices=DimensionMode.choices)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    label_zh = models.CharField(_("Chinese label"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Rule(Versioned):
    """One version of a rule: when `condition` holds, the customer gets `value` in its dimension.

    `definition` holds the condition tree (JSON) and the actions; `condition_text` the text form.
    """

    dimension = models.ForeignKey(Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT)
    condition_text = models.TextField(_("condition"))
    value = models.CharField(_("value"), max_length=100)
    priority = models.IntegerField(_("priority"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["dimension", "-priority", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "name", "version"], name="rule_version_unique"),
            models.UniqueConstraint(
                fields=["dimension", "name"], condition=Q(is_current=True), name="rule_one_current"
            ),
        ]


class Scheme(Versioned):
    """A grade scheme: value score with tiers, lifecycle stages, or churn risk from warning signals."""

    kind = models.CharField(_("kind"), max_length=16, choices=SchemeKind.choices)

    class Meta:
        verbose_name = _("grade scheme")
        verbose_name_plural = _("grade schemes")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="scheme_name_version_unique"),
            models.UniqueConstraint(fields=["name"], condition=Q(is_current=True), name="scheme_one_current"),
        ]


class GradingRun(models.Model):
    """One batch grading: who started it, as of which date, with which definitions, what moved."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    engine = models.CharField(_("engine"), max_length=16)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    definitions = models.JSONField(_("definition versions"), default=dict)
    population = models.JSONField(
        _("population values"),
        default=dict,
        blank=True,
        help_text=_("Cut-points of bins and quantile tiers over all customers; live re-grades reuse them."),
    )
    customers_graded = models.PositiveIntegerField(_("customers graded"), default=0)
    changes = models.JSONField(_("changes by dimension"), default=dict)
    changed_total = models.PositiveIntegerField(_("assignments changed"), default=0)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("grading run")
        verbose_name_plural = _("grading runs")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="run_finished_after_started",
                violation_error_message=_("A run cannot finish before it started."),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.as_of} {self.engine} {self.status}"


class Assignment(models.Model):
    """A customer's current value in a dimension, with the rule version and metric values behind it."""

    # Indexed by the unique (customer, dimension, value): no second index for publishes to maintain.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, db_index=False
    )
    dimension = models.CharField(_("dimension"), max_length=64)
    value = models.CharField(_("value"), max_length=100)
    rule_name = models.CharField(_("rule"), max_length=100, blank=True)
    rule_version = models.PositiveIntegerField(_("rule version"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    # Not indexed: nothing looks assignments up by run, and an indexed run would make every re-graded
    # row's update write new index entries instead of staying on its page (a HOT update).
    run = models.ForeignKey(
        GradingRun, verbose_name=_("run"), on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    since = models.DateTimeField(_("since"))
    # Of the row's content (runs/staging.py): a run rewrites only rows whose digest changed.
    digest = models.BigIntegerField(_("digest"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["dimension", "value"], name="assignment_dimension_value_idx")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "dimension", "value"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.dimension}={self.value}"


class AssignmentChange(models.Model):
    """History: a customer's value in a dimension changed (or a tag came or went)."""

    # Both indexed by the Meta indexes below (customer first, run alone), not twice.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, db_index=False
    )
    dimension = models.CharField(_("dimension"), max_length=64)
    from_value = models.CharField(_("from"), max_length=100, blank=True)
    to_value = models.CharField(_("to"), max_length=100, blank=True)
    changed_at = models.DateTimeField(_("changed at"))
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=8, choices=ChangeSource.choices)
    run = models.ForeignKey(
        GradingRun, verbose_name=_("run"), on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    event = models.CharField(_("event"), max_length=100, blank=True)
    rule_name = models.CharField(_("rule"), max_length=100, blank=True)
    rule_version = models.PositiveIntegerField(_("rule version"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        indexes = [
            models.Index(fields=["customer", "changed_at"], name="change_customer_time_idx"),
            models.Index(fields=["run"], name="change_run_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_value=models.F("to_value")),
                name="change_is_a_change",
                violation_error_message=_("A change must change something."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.dimension}: {self.from_value} → {self.to_value}"


class AssignmentDigest(models.Model):
    """Per graded customer: a digest of the assignment rows the last batch run staged for it.

    A run compares its digests with these to find the customers whose rows changed, so publishing costs
    what changed rather than every assignment. A live re-grade clears the digest (the next run then
    compares that customer row by row) and stamps `graded_at`.
    """

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, primary_key=True
    )
    digest = models.BigIntegerField(_("digest"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"))
    run = models.ForeignKey(  # not indexed, as Assignment.run
        GradingRun, verbose_name=_("run"), on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )

    class Meta:
        verbose_name = _("assignment digest")
        verbose_name_plural = _("assignment digests")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.digest}"
