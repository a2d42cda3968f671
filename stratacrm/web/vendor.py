"""Third-party browser code served from the site itself: utility intranets have no internet.

htmx comes with django-htmx (an installed app, so its static files are found as usual). plotly.min.js
ships inside the plotly wheel as package data; `PackageDataFinder` serves it as
`vendor/plotly/plotly.min.js`, to `runserver`, to the test server and to `collectstatic` alike.

Plotly injects `<style>` elements when it loads, which the Content-Security-Policy (`style-src 'self'`)
refuses. It skips an injection when an element with the style's id is already in the page, so the base
template links `web/plotly-base.css` (the same rules, as a file) under Plotly's id and adds an empty
`<template>` with the id of each other injected style (`plotly_style_ids`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_PREFIX = "vendor/plotly"
PLOTLY_FILES = ("plotly.min.js",)
PLOTLY_GLOBAL_STYLE_ID = "plotly.js-style-global"
_INJECTED_STYLE = re.compile(
    r'getElementById\("([0-9a-f]{32,})"\)\)\{var \w+=document\.createElement\("style"\)'
)
_RULES_START = '{"X,X div":'
_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')')


class PackageDataFinder(BaseFinder):
    """Finds plotly.min.js in the installed plotly package."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = PLOTLY_PREFIX  # type: ignore[attr-defined]  # collectstatic reads it

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False) -> Any:  # like Django's own: [] when not found
        prefix, _, name = path.rpartition("/")
        found = PLOTLY_DIR / name
        if prefix != PLOTLY_PREFIX or name not in PLOTLY_FILES or not found.is_file():
            return []
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name in PLOTLY_FILES:
            yield name, self.storage


@functools.cache
def _bundle() -> str:
    return (PLOTLY_DIR / "plotly.min.js").read_text(encoding="utf-8")


def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the `<style>` elements plotly.min.js would inject besides its global rules."""
    return tuple(dict.fromkeys(_INJECTED_STYLE.findall(_bundle())))


def plotly_css() -> str:
    """Plotly's global style rules as a stylesheet (what `web/plotly-base.css` must contain)."""
    bundle = _bundle()
    start = bundle.index(_RULES_START)
    end = bundle.index(";for(", start)
    rules = []
    for key, value in _RULE.findall(bundle[start:end]):
        selector = re.sub(r"^,", " ,", key).replace("X", ".js-plotly-plot .plotly")
        rules.append(f"{selector.replace('Y', '.plotly-notifier')} {{{value[1:-1]}}}")
    return "".join(f"{rule}\n" for rule in rules)
