"""Users of Strata and what guards them: roles, API tokens, failed sign-ins and the audit trail.

The permission matrix that reads the role lives in `policy.py` (parsed from docs/security.md).
"""

from typing import Any

from django.conf import settings
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


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit entry through the ORM."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are append-only: the queryset refuses every bulk change."""

    def update(self, **kwargs: object) -> int:
        raise AuditTrailIsAppendOnly("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit entries cannot be deleted")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AuditTrailIsAppendOnly("audit entries cannot be updated")


class AuditEntry(models.Model):
    """One thing that happened: who did which action to which object, with before/after values.

    Entries form a hash chain: `hash` is the SHA-256 of the entry's canonical JSON, which includes
    `prev_hash`, the hash of the entry before it (`seq` - 1). Sensitive values in `before`/`after` are
    stored masked. Written only by `accounts.services.audit.audit_record`.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"))
    actor_id = models.PositiveBigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("audit entries cannot be deleted")


class AuditChainHead(models.Model):
    """The single row naming the last audit entry; writers lock it so the chain never forks."""

    seq = models.PositiveBigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class ApiToken(models.Model):
    """A user's API token. Only the SHA-256 of the secret is kept; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, help_text=_("First characters, to recognise it."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
                violation_error_message=_("A token must expire after it is created."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """One failed sign-in; recent failures of a user name or an address lock it out for a while."""

    username = models.CharField(_("user name"), max_length=150)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["username", "at"], name="login_failure_user_idx"),
            models.Index(fields=["ip", "at"], name="login_failure_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
