"""Users of Strata. Each user holds one role; the permission matrix reading it lives with access control."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MARKETING_MANAGER = "marketing_manager", _("Marketing manager")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A person (or system) that signs in to Strata.

    `team` and `region` are the units row scoping can widen an account manager's view to.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.ACCOUNT_MANAGER)
    team = models.CharField(_("team"), max_length=64, blank=True)
    region = models.CharField(_("region"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="user_role_valid",
                violation_error_message=_("Unknown role."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
