"""One error format for every API error: `{"code", "message", "errors": [{"field", "message"}]}`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from stratacrm.activity.bulk import BulkInvalid
from stratacrm.customers.services import VersionConflict
from stratacrm.paging import InvalidCursor
from stratacrm.web.services.grading import PublishRefused

from .rule_drafts import RuleInvalid
from .run_jobs import RunRefused
from .scheme_drafts import SchemeInvalid

logger = logging.getLogger(__name__)
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
}


class FieldError(Schema):
    field: str
    message: str


class Error(Schema):
    code: str
    message: str
    errors: list[FieldError] = []


def error_body(status: int, message: str, errors: list[dict[str, str]] | None = None, code: str = "") -> dict:
    return {"code": code or CODES.get(status, "error"), "message": message, "errors": errors or []}


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    # ninja's locations start with where (body/query/path) and, for bodies, the parameter name.
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in ("query", "path"):
        parts = parts[1:]
    return ".".join(parts)


Handler = Callable[[Any], tuple[int, dict]]


def _validation(exc: Any) -> tuple[int, dict]:
    errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors]
    return 422, error_body(422, "The request is not valid.", errors)


def _django_validation(exc: Any) -> tuple[int, dict]:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    return 422, error_body(422, "The request is not valid.", errors)


def _version_conflict(exc: Any) -> tuple[int, dict]:
    field = {"field": "version", "message": f"current version is {exc.current_version}"}
    message = "The record changed since you read it; nothing was written."
    return 409, error_body(409, message, [field], code="version_conflict")


def _bulk_invalid(exc: Any) -> tuple[int, dict]:
    errors = [
        {"field": ".".join(p for p in ("items", str(e.index), e.field) if p), "message": e.message}
        for e in exc.errors
    ]
    return 422, error_body(422, f"{len(exc.errors)} item(s) are not valid; nothing was written.", errors)


def _rule_invalid(exc: Any) -> tuple[int, dict]:
    return 422, error_body(
        422, "The rule is not valid; nothing was written.", [p.as_error() for p in exc.problems]
    )


def _scheme_invalid(exc: Any) -> tuple[int, dict]:
    return 422, error_body(
        422, "The scheme is not valid; nothing was written.", [p.as_error() for p in exc.problems]
    )


def _refused(exc: Any) -> tuple[int, dict]:
    errors = [{"field": exc.field, "message": str(exc)}] if getattr(exc, "field", "") else []
    return 409, error_body(409, str(exc), errors)


HANDLERS: dict[type[Exception], Handler] = {
    NinjaValidationError: _validation,
    DjangoValidationError: _django_validation,
    AuthenticationError: lambda exc: (401, error_body(401, "Sign in or send an API token.")),
    HttpError: lambda exc: (exc.status_code, error_body(exc.status_code, str(exc))),
    PermissionDenied: lambda exc: (403, error_body(403, "Your role may not do this.")),
    Http404: lambda exc: (404, error_body(404, "Not found.")),
    ObjectDoesNotExist: lambda exc: (404, error_body(404, "Not found.")),
    VersionConflict: _version_conflict,
    BulkInvalid: _bulk_invalid,
    InvalidCursor: lambda exc: (
        422,
        error_body(422, "The cursor is not valid.", [{"field": "cursor", "message": str(exc)}]),
    ),
    IntegrityError: lambda exc: (409, error_body(409, "The data conflicts with existing records.")),
    RuleInvalid: _rule_invalid,
    SchemeInvalid: _scheme_invalid,
    RunRefused: _refused,
    PublishRefused: _refused,
}


def install_error_handlers(api: NinjaAPI) -> None:
    """Route every exception an operation raises to the one error format."""
    for exc_class, handler in HANDLERS.items():

        def handle(request: HttpRequest, exc: Any, handler: Handler = handler) -> HttpResponse:
            status, body = handler(exc)
            return api.create_response(request, body, status=status)

        api.add_exception_handler(exc_class, handle)

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API error", exc_info=exc)
        return api.create_response(request, error_body(500, "Something went wrong on our side."), status=500)

    api.add_exception_handler(Exception, server_error)
