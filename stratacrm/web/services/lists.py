"""Saved views of the customer list: per user, a name and the list's query string."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from stratacrm.accounts.models import User
from stratacrm.accounts.policy import user_require

from ..models import SavedView

DROPPED = frozenset({"cursor"})  # a saved view opens on its first page


def saved_view_save(*, user: User, name: str, query: str) -> SavedView:
    """Save (or overwrite) the user's view called `name`."""
    user_require(user, "customer.view")
    kept = urlencode([(k, v) for k, v in parse_qsl(query) if k not in DROPPED and v])
    with transaction.atomic():
        view, _ = SavedView.objects.get_or_create(user=user, name=name.strip(), defaults={"query": kept})
        if view.query != kept:
            view.query = kept
            view.full_clean()
            view.save(update_fields=["query"])
    return view


def saved_view_delete(*, user: User, view_id: int) -> None:
    """Delete one of the user's own views (SavedView.DoesNotExist for anyone else's)."""
    SavedView.objects.get(pk=view_id, user=user).delete()


def saved_views(*, user: User) -> list[SavedView]:
    return list(SavedView.objects.filter(user=user).order_by("name"))
