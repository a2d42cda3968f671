"""The access policy, read from the tables in docs/security.md — the single source code and tests share.

The document holds four tables, each introduced by an HTML comment marker (`<!-- policy:actions -->` and
so on). `load_policy()` parses them into a frozen `Policy`; anything it does not understand raises
`PolicyError`, so a typo in the document stops the server instead of silently granting or denying.

>>> p = parse_policy(Path(__file__).parents[2].joinpath("docs/security.md").read_text())
>>> p.allows("analyst", "customer.update"), p.allows("administrator", "customer.update")
(False, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .models import Role

POLICY_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "security.md"
ROLES: tuple[str, ...] = tuple(Role.values)
TOKEN_SCOPES = ("read", "write")
ACTION_SCOPES = (*TOKEN_SCOPES, "session")
ROW_SCOPES = ("all", "assigned")
FIELD_VIEWS = {
    "name": ("clear", "pseudonym", "masked"),
    "phone": ("clear", "masked"),
    "email": ("clear", "masked"),
    "address": ("clear", "masked"),
    "id_number": ("clear", "masked"),
    "notes": ("clear", "masked"),
}
YES, NO = "✓", "—"
_MARKER = re.compile(r"<!--\s*policy:(\w+)\s*-->")
_ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


class PolicyError(ValueError):
    """The policy document is malformed; the message says where."""


@dataclass(frozen=True)
class Action:
    name: str
    scope: str
    description: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Policy:
    """Who may do what, on which rows, seeing which fields."""

    actions: dict[str, Action]
    rows: dict[str, str]
    fields: dict[str, dict[str, str]]
    endpoints: dict[tuple[str, str], str]
    pages: dict[str, str]

    def action(self, name: str) -> Action:
        """The action called `name`; an unknown name is a programming error and raises PolicyError."""
        try:
            return self.actions[name]
        except KeyError:
            raise PolicyError(f"unknown action {name!r}; add it to {POLICY_DOCUMENT.name}") from None

    def allows(self, role: str, action: str) -> bool:
        return role in self.action(action).roles

    def row_scope(self, role: str) -> str:
        return self.rows[role]

    def field_view(self, role: str, field: str) -> str:
        return self.fields[field][role]

    def roles_allowed(self, action: str) -> frozenset[str]:
        return self.action(action).roles


def _tables(text: str) -> dict[str, list[list[str]]]:
    """Each marked table as a list of rows of stripped cells (header first, separator dropped)."""
    tables: dict[str, list[list[str]]] = {}
    lines = text.splitlines()
    for number, line in enumerate(lines):
        marker = _MARKER.search(line)
        if not marker:
            continue
        name = marker.group(1)
        if name in tables:
            raise PolicyError(f"table {name!r} appears twice (line {number + 1})")
        rows = []
        for row in lines[number + 1 :]:
            if not row.strip().startswith("|"):
                break
            cells = [c.strip().strip("`").strip() for c in row.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
        if len(rows) < 2:
            raise PolicyError(f"table {name!r} (line {number + 1}) has no rows")
        width = len(rows[0])
        for cells in rows:
            if len(cells) != width:
                raise PolicyError(f"table {name!r}: row {cells!r} has {len(cells)} cells, expected {width}")
        tables[name] = rows
    return tables


def _role_columns(table: str, header: list[str], first: int) -> list[str]:
    roles = header[first:]
    if sorted(roles) != sorted(ROLES):
        raise PolicyError(f"table {table!r}: role columns {roles} must be exactly {list(ROLES)}")
    return roles


def _actions(rows: list[list[str]]) -> dict[str, Action]:
    header, *body = rows
    if header[:3] != ["action", "token scope", "what it allows"]:
        raise PolicyError(f"table 'actions': unexpected header {header[:3]}")
    roles = _role_columns("actions", header, 3)
    actions: dict[str, Action] = {}
    for name, scope, description, *cells in body:
        if not _ACTION_NAME.match(name) or name in actions:
            raise PolicyError(f"table 'actions': bad or repeated action name {name!r}")
        if scope not in ACTION_SCOPES:
            raise PolicyError(
                f"table 'actions': {name} has token scope {scope!r}, not one of {ACTION_SCOPES}"
            )
        if any(c not in (YES, NO) for c in cells):
            raise PolicyError(f"table 'actions': {name} cells must be {YES} or {NO}, got {cells}")
        allowed = frozenset(role for role, cell in zip(roles, cells, strict=True) if cell == YES)
        actions[name] = Action(name=name, scope=scope, description=description, roles=allowed)
    return actions


def _rows(rows: list[list[str]]) -> dict[str, str]:
    header, *body = rows
    if header != ["role", "rows"]:
        raise PolicyError(f"table 'rows': unexpected header {header}")
    scopes = dict((role, scope) for role, scope in body)
    if sorted(scopes) != sorted(ROLES) or len(body) != len(ROLES):
        raise PolicyError(f"table 'rows': needs exactly one row per role {list(ROLES)}")
    for role, scope in scopes.items():
        if scope not in ROW_SCOPES:
            raise PolicyError(f"table 'rows': {role} has {scope!r}, not one of {ROW_SCOPES}")
    return scopes


def _fields(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    if header[0] != "field":
        raise PolicyError(f"table 'fields': unexpected header {header}")
    roles = _role_columns("fields", header, 1)
    fields: dict[str, dict[str, str]] = {}
    for field, *cells in body:
        if field not in FIELD_VIEWS or field in fields:
            raise PolicyError(f"table 'fields': unknown or repeated field {field!r}")
        for role, cell in zip(roles, cells, strict=True):
            if cell not in FIELD_VIEWS[field]:
                raise PolicyError(
                    f"table 'fields': {field}/{role} is {cell!r}, not one of {FIELD_VIEWS[field]}"
                )
        fields[field] = dict(zip(roles, cells, strict=True))
    if set(fields) != set(FIELD_VIEWS):
        raise PolicyError(f"table 'fields': needs exactly the fields {sorted(FIELD_VIEWS)}")
    return fields


def _endpoints(rows: list[list[str]], actions: dict[str, Action]) -> dict[tuple[str, str], str]:
    header, *body = rows
    if header != ["method", "path", "action"]:
        raise PolicyError(f"table 'endpoints': unexpected header {header}")
    endpoints: dict[tuple[str, str], str] = {}
    for method, path, action in body:
        if action not in actions or (method, path) in endpoints:
            raise PolicyError(
                f"table 'endpoints': {method} {path} names unknown action {action!r} or repeats"
            )
        endpoints[(method.upper(), path)] = action
    return endpoints


def _pages(rows: list[list[str]], actions: dict[str, Action]) -> dict[str, str]:
    header, *body = rows
    if header != ["URL name", "action"]:
        raise PolicyError(f"table 'pages': unexpected header {header}")
    pages = {}
    for name, action in body:
        if action not in (*actions, "public", "per endpoint"):
            raise PolicyError(f"table 'pages': {name} names unknown action {action!r}")
        pages[name] = action
    return pages


def parse_policy(text: str) -> Policy:
    """Parse the policy document's text; raises PolicyError on anything malformed or missing."""
    tables = _tables(text)
    missing = {"actions", "rows", "fields", "endpoints", "pages"} - set(tables)
    if missing:
        raise PolicyError(f"policy tables missing: {sorted(missing)}")
    actions = _actions(tables["actions"])
    return Policy(
        actions=actions,
        rows=_rows(tables["rows"]),
        fields=_fields(tables["fields"]),
        endpoints=_endpoints(tables["endpoints"], actions),
        pages=_pages(tables["pages"], actions),
    )


@cache
def load_policy() -> Policy:
    """The policy of this installation, parsed once per process."""
    try:
        text = POLICY_DOCUMENT.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read the policy document {POLICY_DOCUMENT}: {exc}") from exc
    return parse_policy(text)


def user_may(user: object, action: str) -> bool:
    """Whether `user` (any object with `role` and `is_authenticated`) may perform `action`."""
    role = getattr(user, "role", None)
    active = getattr(user, "is_active", False) and getattr(user, "is_authenticated", False)
    return bool(active and role is not None and load_policy().allows(role, action))


def user_require(user: object, action: str) -> None:
    """Raise PermissionDenied unless `user` may perform `action`."""
    from django.core.exceptions import PermissionDenied

    if not user_may(user, action):
        raise PermissionDenied(f"{action} is not allowed for this user")
