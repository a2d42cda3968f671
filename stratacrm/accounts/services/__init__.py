"""Writes of the accounts domain: users, API tokens, sign-in throttling and the audit trail."""

from .users import DEMO_USERS, Credential, demo_users_ensure

__all__ = ["DEMO_USERS", "Credential", "demo_users_ensure"]
