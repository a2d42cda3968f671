"""Enumerations of the customer domain. The utility template's values come first; generic ones follow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    AGRICULTURAL = "agricultural", _("Agricultural")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    INDIVIDUAL = "individual", _("Individual")
    BUSINESS = "business", _("Business")


class CustomerSize(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    ONLINE = "online", _("Online")
    SMS = "sms", _("SMS")
    SOCIAL = "social", _("Social media")


class SourceChannel(models.TextChoices):
    COUNTER = "counter", _("Service counter")
    HOTLINE = "hotline", _("Hotline 95598")
    APP = "app", _("Mobile app")
    WEBSITE = "website", _("Website form")
    REFERRAL = "referral", _("Referral")
    FIELD = "field", _("Field sales")
    IMPORT = "import", _("Imported")


class TariffCategory(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential living")
    AGRICULTURAL = "agricultural", _("Agricultural production")
    COMMERCIAL_INDUSTRIAL = "commercial_industrial", _("Commercial and industrial")
    LARGE_INDUSTRY = "large_industry", _("Large industry")
    GENERAL_COMMERCE = "general_commerce", _("General commerce")


class VoltageLevel(models.TextChoices):
    BELOW_1KV = "lt_1kv", _("Below 1 kV")
    KV_1_10 = "1_10kv", _("1–10 kV")
    KV_35 = "35kv", _("35 kV")
    KV_110 = "110kv", _("110 kV")
    KV_220_PLUS = "220kv_plus", _("220 kV and above")


class BillingScheme(models.TextChoices):
    SINGLE_PART = "single_part", _("Single-part")
    TWO_PART = "two_part", _("Two-part")


class CreditGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class ImportantUserGrade(models.TextChoices):
    SPECIAL = "special", _("Special grade")
    FIRST = "first", _("First grade")
    SECOND = "second", _("Second grade")
    TEMPORARY = "temporary", _("Temporary")
    NONE = "none", _("Not important")
