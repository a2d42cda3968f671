"""Webhook subscriptions of other systems and the log of every delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EVENT_TYPES = ("grade.changed", "group.changed", "lifecycle.changed", "risk.changed", "ticket.created")


class WebhookSubscription(models.Model):
    """Another system's URL that wants to hear of some event types, with the secret payloads are signed with.

    `last_change_id` and `last_ticket_id` are the cursors of what has been turned into deliveries
    already: grade changes come from `segmentation.AssignmentChange` rows, new tickets from
    `service.Ticket` rows, so neither the grading runner nor the services need to know about webhooks.
    """

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=128)
    event_types = models.JSONField(_("event types"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before giving up"), default=6)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"))
    last_change_id = models.PositiveBigIntegerField(_("last grade change queued"), default=0)
    last_ticket_id = models.PositiveBigIntegerField(_("last ticket queued"), default=0)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    GAVE_UP = "gave_up", _("Given up")


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription, with every attempt's outcome.

    `event_key` names the source row (`change:123`, `ticket:45`), unique per subscription, so an event
    is queued once. A failed attempt is retried at `next_attempt_at`, backing off exponentially, until
    the subscription's `max_attempts`.
    """

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_type = models.CharField(_("event type"), max_length=32)
    event_key = models.CharField(_("event key"), max_length=64)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_key"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_valid",
                violation_error_message=_("Unknown delivery status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.subscription_id} {self.status}"
