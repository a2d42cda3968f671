"""Enumerations of customer service (95598-style tickets)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    REPAIR = "repair", _("Fault repair")
    INQUIRY = "inquiry", _("Inquiry")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    FEEDBACK = "feedback", _("Feedback")
    PRAISE = "praise", _("Praise")
    SERVICE_REQUEST = "service_request", _("Service request")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS)
