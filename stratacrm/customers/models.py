"""The customer record: who the customer is, how to reach it, who owns it, and its utility accounts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    BillingScheme,
    Channel,
    CreditGrade,
    CustomerSize,
    CustomerStatus,
    CustomerType,
    ImportantUserGrade,
    SourceChannel,
    TariffCategory,
    VoltageLevel,
)

# Fields whose values identify a person; access control masks them per role.
SENSITIVE_FIELDS = ("id_number", "phone", "email", "address")


class Tag(models.Model):
    """A free label put on customers by staff or by segmentation rules."""

    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A customer of the company: a household, a business or an institution.

    `account_number` is the key other systems know the customer by. `version` increases on every
    update so that concurrent editors cannot overwrite each other unnoticed.
    """

    account_number = models.CharField(_("account number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    customer_type = models.CharField(_("customer type"), max_length=32, choices=CustomerType.choices)
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=32, blank=True)
    district = models.CharField(_("district"), max_length=32, blank=True)
    size = models.CharField(_("size"), max_length=16, choices=CustomerSize.choices, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    id_number = models.CharField(_("credit code or ID number"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=Channel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    credit_grade = models.CharField(_("credit grade"), max_length=1, choices=CreditGrade.choices, blank=True)
    important_grade = models.CharField(
        _("important-user grade"),
        max_length=16,
        choices=ImportantUserGrade.choices,
        default=ImportantUserGrade.NONE,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    source_channel = models.CharField(
        _("source channel"), max_length=16, choices=SourceChannel.choices, blank=True
    )
    contact_form_filled = models.BooleanField(_("filled the contact form"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["account_number"]
        indexes = [
            models.Index(fields=["customer_type", "status"], name="customer_type_status_idx"),
            models.Index(fields=["province", "city", "district"], name="customer_region_idx"),
            models.Index(fields=["owner", "status"], name="customer_owner_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer_type__in=CustomerType.values),
                name="customer_type_valid",
                violation_error_message=_("Unknown customer type."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CustomerStatus.values),
                name="customer_status_valid",
                violation_error_message=_("Unknown customer status."),
            ),
            models.CheckConstraint(
                condition=~Q(account_number=""),
                name="customer_account_number_not_blank",
                violation_error_message=_("The account number must not be blank."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="customer_name_not_blank",
                violation_error_message=_("The name must not be blank."),
            ),
            models.CheckConstraint(
                condition=Q(updated_at__gte=models.F("created_at")),
                name="customer_updated_after_created",
                violation_error_message=_("A customer cannot be updated before it was created."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"


class UtilityAccount(models.Model):
    """A metering point (电表) of a utility customer: what tariff it is billed on and at what voltage."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="meters"
    )
    meter_number = models.CharField(_("meter number"), max_length=32, unique=True)
    tariff_category = models.CharField(_("tariff category"), max_length=32, choices=TariffCategory.choices)
    voltage_level = models.CharField(_("voltage level"), max_length=16, choices=VoltageLevel.choices)
    contracted_capacity_kva = models.DecimalField(
        _("contracted capacity (kVA)"), max_digits=12, decimal_places=2
    )
    billing_scheme = models.CharField(
        _("billing scheme"), max_length=16, choices=BillingScheme.choices, default=BillingScheme.SINGLE_PART
    )
    time_of_use = models.BooleanField(_("time-of-use tariff"), default=False)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("utility account")
        verbose_name_plural = _("utility accounts")
        ordering = ["meter_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contracted_capacity_kva__gt=0),
                name="meter_capacity_positive",
                violation_error_message=_("Contracted capacity must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(tariff_category__in=TariffCategory.values),
                name="meter_tariff_valid",
                violation_error_message=_("Unknown tariff category."),
            ),
            models.CheckConstraint(
                condition=Q(voltage_level__in=VoltageLevel.values),
                name="meter_voltage_valid",
                violation_error_message=_("Unknown voltage level."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="meter_closed_after_opened",
                violation_error_message=_("A meter cannot close before it opened."),
            ),
        ]

    def __str__(self) -> str:
        return self.meter_number
