"""Writes of the accounts domain."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from ..models import Role, User

DEMO_USERS: tuple[tuple[str, Role, str], ...] = (
    ("admin", Role.ADMINISTRATOR, "Demo administrator"),
    ("marketing", Role.MARKETING_MANAGER, "Demo marketing manager"),
    ("manager", Role.ACCOUNT_MANAGER, "Demo account manager"),
    ("analyst", Role.ANALYST, "Demo analyst"),
    ("auditor", Role.AUDITOR, "Demo auditor"),
)


@dataclass(frozen=True)
class Credential:
    username: str
    role: Role
    password: str


@transaction.atomic
def demo_users_ensure() -> list[Credential]:
    """Create (or reset) one demo user per role, each with a fresh random password.

    Re-running is safe: existing demo users keep their data and only get a new password.
    """
    credentials = []
    for username, role, full_name in DEMO_USERS:
        first, _, last = full_name.rpartition(" ")
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        password = secrets.token_urlsafe(9)
        user.role = role
        user.is_staff = role == Role.ADMINISTRATOR
        user.is_superuser = role == Role.ADMINISTRATOR
        user.is_active = True
        user.set_password(password)
        user.full_clean()
        user.save()
        credentials.append(Credential(username=username, role=role, password=password))
    return credentials
