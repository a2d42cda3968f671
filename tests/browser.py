"""A real browser for UI tests: Debian's chromium driven by Playwright, failing on console errors.

Screenshots go to test-artifacts/screenshots/ so a person can look at every page a test visited.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections
from playwright.sync_api import ConsoleMessage, Page, Request, Response, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("STRATA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserProblems:
    """Console errors and failed requests seen while a page was open."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.items.append(f"console error: {message.text}")

    def request_failed(self, request: Request) -> None:
        self.items.append(f"failed request: {request.url} ({request.failure})")

    def response(self, response: Response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")


@contextmanager
def browser_page(*, locale: str = "zh-CN") -> Iterator[tuple[Page, BrowserProblems]]:
    """Open a fresh page; the caller asserts `problems.items == []` at the end."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop in this thread.
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            problems = BrowserProblems()
            page.on("console", problems.console)
            page.on("requestfailed", problems.request_failed)
            page.on("response", problems.response)
            page.on("pageerror", lambda error: problems.items.append(f"page error: {error}"))
            yield page, problems
        finally:
            browser.close()
            # Inside Playwright's event loop Django keeps other connections than the test's own: close
            # them, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
