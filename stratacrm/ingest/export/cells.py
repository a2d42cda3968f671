"""Cells safe to open in a spreadsheet: text that a spreadsheet would run as a formula is neutralised.

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which some programs skip
before looking) is a formula to Excel, LibreOffice and Numbers; a leading apostrophe makes it text and
is what OWASP recommends. Numbers keep their sign: only text is touched.

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise(-5), neutralise("张三")
('\\'=HYPERLINK("http://x")', "'-5", -5, '张三')
"""

from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should receive it (text starting with a trigger gets a leading ')."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value
