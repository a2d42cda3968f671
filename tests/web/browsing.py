"""Helpers of the browser tests: signing in through the form, waiting for htmx, checking labels."""

from __future__ import annotations

from playwright.sync_api import Page

from stratacrm.accounts.models import Role, User
from tests import factories

PASSWORD = "a-long-password-1"
LABELS = {"zh": ("用户名", "密码", "登录"), "en": ("User name", "Password", "Sign in")}

# Every visible form control must have a name a screen reader can read.
UNLABELLED = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter((el) => el.type !== "hidden" && el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                  && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML.slice(0, 120))
"""


FOCUSED = """
() => { const e = document.activeElement;
        return (e.id || e.getAttribute("name") || e.textContent || e.tagName).trim().slice(0, 40); }
"""


def user_with_password(role: Role, *, username: str | None = None, user: User | None = None) -> User:
    """A user of `role` (or the given one) who can sign in with PASSWORD."""
    if user is None:
        admin = role == Role.ADMINISTRATOR
        fields = {"username": username} if username else {}
        return factories.user(role=role, password=PASSWORD, is_staff=admin, is_superuser=admin, **fields)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page: Page, base: str, user: User, *, language: str = "zh") -> None:
    """Sign in through the sign-in page and wait for the overview to finish loading."""
    page.goto(f"{base}/login/" if language == "zh" else f"{base}/en/login/")
    name, password, button = LABELS[language]
    page.get_by_label(name).fill(user.get_username())
    page.get_by_label(password).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_selector("main h1")
    settle(page)


def settle(page: Page) -> None:
    """Wait until the page and its htmx requests and charts are done."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def unlabelled(page: Page) -> list[str]:
    return list(page.evaluate(UNLABELLED))


def focus_path(page: Page, presses: int) -> list[str]:
    """What keyboard focus lands on, Tab after Tab, from the top of the page."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen
