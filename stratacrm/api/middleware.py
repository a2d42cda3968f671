"""Errors answered outside the API's own handlers (unknown /api/ paths, wrong methods) in the same format."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation

from .errors import error_body

API_PREFIX = "/api/"


class ApiErrorFormatMiddleware:
    """Turns a non-JSON error response under /api/ into `{"code", "message", "errors"}`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            message = response.reason_phrase or "Error"
            formatted = JsonResponse(
                error_body(response.status_code, f"{message}."), status=response.status_code
            )
            if response.has_header("Allow"):
                formatted["Allow"] = response["Allow"]
            return formatted
        return response


def is_error_body(content: bytes) -> bool:
    """Whether `content` is an error in the API's format (used by tests and clients alike)."""
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "errors"} <= set(body)


class ApiLanguageMiddleware:
    """API answers speak the caller's Accept-Language (zh-hans when absent).

    Django's LocaleMiddleware pins unprefixed paths to the default language because the site's pages use
    language prefixes; /api/ has no prefix and is not a page, so it follows the header instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response
