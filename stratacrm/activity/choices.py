"""Enumerations of customer events."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentChannel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    BANK = "bank", _("Bank transfer")
    APP = "app", _("Mobile app")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    AUTO_DEBIT = "auto_debit", _("Automatic debit")


class ActivityKind(models.TextChoices):
    TRIAL = "trial", _("Trial")
    TRAINING = "training", _("Training")
    EVENT = "event", _("Event")
    CAMPAIGN = "campaign", _("Campaign")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
