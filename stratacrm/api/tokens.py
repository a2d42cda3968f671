"""The caller's own API tokens: create (the secret is shown once), list, revoke. Session only."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Schema, Status

from stratacrm.accounts.models import ApiToken
from stratacrm.accounts.services.tokens import MAX_LIFETIME_DAYS, api_token_create, api_token_revoke

from .auth import PolicyRouter, allow, caller
from .customers import ERRORS
from .types import MAX_ID, Name100

router = PolicyRouter(tags=["tokens"])


class TokenCreate(Schema):
    name: Name100
    scopes: list[Literal["read", "write"]] = Field(..., min_length=1, max_length=2)
    expires_in_days: int = Field(90, ge=1, le=MAX_LIFETIME_DAYS)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenIssued(TokenOut):
    secret: str = Field(..., description="Shown only in this answer; store it now.")


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, auth=allow("token.manage"))
def tokens_list(request: HttpRequest) -> Any:
    """The caller's own tokens (never their secrets). Every role, signed in with a session."""
    return list(ApiToken.objects.filter(user=caller(request)).order_by("-created_at")[:200])


@router.post("/tokens", response={201: TokenIssued, **ERRORS}, auth=allow("token.manage"))
def tokens_create(request: HttpRequest, payload: TokenCreate) -> Any:
    """Issue a token for the caller with the scopes asked for; its secret appears once, in this answer.

    Every role, signed in with a session (a token cannot mint tokens).
    """
    issued = api_token_create(user=caller(request), **payload.dict())
    return Status(201, {**TokenOut.from_orm(issued.token).model_dump(), "secret": issued.secret})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, auth=allow("token.manage"))
def tokens_revoke(request: HttpRequest, token_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Revoke one of the caller's tokens (404 for anyone else's). Every role, with a session."""
    api_token_revoke(user=caller(request), token_id=token_id)
    return Status(204, None)
