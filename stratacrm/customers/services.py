"""Writes of the customer domain."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from stratacrm.accounts.models import User

from .models import Customer


@transaction.atomic
def customer_portfolio_transfer(*, from_user: User, to_user: User) -> int:
    """Give every customer owned by `from_user` to `to_user`; returns how many moved."""
    return Customer.objects.filter(owner=from_user).update(
        owner=to_user, version=F("version") + 1, updated_at=timezone.now()
    )
