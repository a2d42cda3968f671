"""API tokens: created with a random secret shown once, stored as its SHA-256, revocable, expiring."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import ApiToken, User
from ..policy import TOKEN_SCOPES
from .audit import audit_record

TOKEN_PREFIX = "strata_"  # noqa: S105  # marks Strata tokens; not a secret
MAX_LIFETIME_DAYS = 365
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    """What is stored of a token: the SHA-256 of its secret (the secret has 256 random bits)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


@transaction.atomic
def api_token_create(*, user: User, name: str, scopes: list[str], expires_in_days: int = 90) -> IssuedToken:
    """Issue a token for `user`; the returned secret is the only time it can be seen."""
    if not scopes or any(s not in TOKEN_SCOPES for s in scopes):
        raise ValidationError({"scopes": f"choose one or more of {', '.join(TOKEN_SCOPES)}"})
    if not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise ValidationError({"expires_in_days": f"must be between 1 and {MAX_LIFETIME_DAYS}"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=token_hash(secret),
        scopes=sorted(set(scopes)),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_in_days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=user,
        action="token.create",
        obj=token,
        after={"name": name, "scopes": token.scopes, "expires_at": token.expires_at},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (revoking twice is harmless). Raises DoesNotExist otherwise."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="token.revoke", obj=token, after={"name": token.name})
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token whose secret this is, with its user; None if unknown, revoked, expired or inactive."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=token_hash(secret), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True
        )
        .first()
    )
    if token is not None and (token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
