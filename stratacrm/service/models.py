"""Customer service records: tickets (complaints, repairs, inquiries…) and survey responses."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stratacrm.customers.models import Customer

from .choices import OPEN_STATUSES, TicketKind, TicketPriority, TicketStatus


class Ticket(models.Model):
    """A service ticket opened by or for a customer, with the time its service promise falls due."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    ticket_number = models.CharField(_("ticket number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    category = models.CharField(_("category"), max_length=64, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("SLA due at"))

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["customer", "opened_at"], name="ticket_customer_time_idx"),
            models.Index(fields=["status", "sla_due_at"], name="ticket_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TicketKind.values),
                name="ticket_kind_valid",
                violation_error_message=_("Unknown ticket kind."),
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("opened_at")),
                name="ticket_resolved_after_opened",
                violation_error_message=_("A ticket cannot be resolved before it was opened."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STATUSES) | Q(resolved_at__isnull=False),
                name="ticket_closed_has_resolution_time",
                violation_error_message=_("A resolved or closed ticket needs its resolution time."),
            ),
            models.CheckConstraint(
                condition=Q(sla_due_at__gte=F("opened_at")),
                name="ticket_sla_after_opened",
                violation_error_message=_("The SLA cannot fall due before the ticket opened."),
            ),
        ]

    def __str__(self) -> str:
        return self.ticket_number


class SurveyResponse(models.Model):
    """One customer's answer to a satisfaction survey: CSAT 1–5 and/or NPS 0–10."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    survey = models.CharField(_("survey"), max_length=100)
    csat = models.PositiveSmallIntegerField(_("CSAT (1–5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("NPS (0–10)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    responded_at = models.DateTimeField(_("responded at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["customer", "responded_at"], name="survey_customer_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="survey_csat_range",
                violation_error_message=_("CSAT must be between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10),
                name="survey_nps_range",
                violation_error_message=_("NPS must be between 0 and 10."),
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=False) | Q(nps__isnull=False),
                name="survey_has_a_score",
                violation_error_message=_("A survey response needs a CSAT or an NPS score."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.survey}"
