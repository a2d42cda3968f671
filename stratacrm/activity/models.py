"""Customer events over time: consumption, bills, payments, transactions and interactions.

Every event carries its customer and is indexed by (customer, time) because grading asks, for each
customer, "what happened in the window before the as-of date".
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stratacrm.customers.choices import Channel
from stratacrm.customers.models import Customer, UtilityAccount

from .choices import ActivityKind, Direction, PaymentChannel

KWH_TOLERANCE = 0.05


class Consumption(models.Model):
    """One meter's consumption in one month, split by time-of-use period."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    meter = models.ForeignKey(UtilityAccount, verbose_name=_("meter"), on_delete=models.CASCADE)
    period = models.DateField(_("month"), help_text=_("First day of the month."))
    kwh_total = models.DecimalField(_("kWh total"), max_digits=14, decimal_places=2)
    kwh_peak = models.DecimalField(_("kWh peak"), max_digits=14, decimal_places=2)
    kwh_flat = models.DecimalField(_("kWh flat"), max_digits=14, decimal_places=2)
    kwh_offpeak = models.DecimalField(_("kWh off-peak"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("monthly consumption")
        verbose_name_plural = _("monthly consumption")
        indexes = [models.Index(fields=["customer", "period"], name="consumption_cust_period_idx")]
        constraints = [
            models.UniqueConstraint(fields=["meter", "period"], name="consumption_one_per_meter_month"),
            models.CheckConstraint(
                condition=Q(kwh_peak__gte=0) & Q(kwh_flat__gte=0) & Q(kwh_offpeak__gte=0),
                name="consumption_parts_not_negative",
                violation_error_message=_("Consumption cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(kwh_total__gte=F("kwh_peak") + F("kwh_flat") + F("kwh_offpeak") - KWH_TOLERANCE)
                & Q(kwh_total__lte=F("kwh_peak") + F("kwh_flat") + F("kwh_offpeak") + KWH_TOLERANCE),
                name="consumption_total_is_sum_of_parts",
                violation_error_message=_("Total kWh must equal peak + flat + off-peak."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="consumption_period_first_of_month",
                violation_error_message=_("The month must be given by its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.period:%Y-%m} {self.kwh_total} kWh"


class Bill(models.Model):
    """A customer's bill for one month."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    period = models.DateField(_("month"), help_text=_("First day of the billed month."))
    kwh = models.DecimalField(_("kWh billed"), max_digits=14, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        # The unique (customer, period) constraint is also the index per-customer window queries use.
        constraints = [
            models.UniqueConstraint(fields=["customer", "period"], name="bill_one_per_customer_month"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="bill_amount_not_negative",
                violation_error_message=_("A bill amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issued_on")),
                name="bill_due_after_issue",
                violation_error_message=_("A bill cannot fall due before it is issued."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="bill_period_first_of_month",
                violation_error_message=_("The month must be given by its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period:%Y-%m} {self.amount}"


class Payment(models.Model):
    """Money received from a customer, usually against one bill. Days late = paid_on - bill.due_date."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    bill = models.ForeignKey(
        Bill,
        verbose_name=_("bill"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payments",
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    channel = models.CharField(_("channel"), max_length=16, choices=PaymentChannel.choices, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["customer", "paid_on"], name="payment_customer_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment amount must be positive."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.paid_on} {self.amount}"


class Transaction(models.Model):
    """A purchase by a customer: products and services beyond metered supply, or any company's sales."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    product = models.CharField(_("product"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        indexes = [models.Index(fields=["customer", "occurred_at"], name="transaction_cust_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="transaction_quantity_positive",
                violation_error_message=_("Quantity must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="transaction_amount_not_negative",
                violation_error_message=_("Amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.product} {self.amount}"


class Interaction(models.Model):
    """A contact with the customer: a call, an e-mail, a visit, or taking part in an activity."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    activity = models.CharField(_("activity"), max_length=16, choices=ActivityKind.choices, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), on_delete=models.SET_NULL, null=True, blank=True
    )
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["customer", "occurred_at"], name="interaction_cust_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values),
                name="interaction_channel_valid",
                violation_error_message=_("Unknown channel."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="interaction_direction_valid",
                violation_error_message=_("Direction must be inbound or outbound."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel} {self.occurred_at:%Y-%m-%d}"
