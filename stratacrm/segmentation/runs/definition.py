"""The grading definition a run or a live re-grade uses: catalog, dimensions, rule versions, plan.

`definitions.py` builds it from the stored rule sets and grade schemes (`definition_current`); this
module only says what shape it has and which one is in force. Another provider can be named with
`STRATA_GRADING_DEFINITION=module:function` (a deployment's own rule source), and `definition_use`
puts one in force for a block of code (a preview, a test).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from ..catalog import Catalog
from ..compiler import Dimension, Plan

DEFAULT_PROVIDER = "stratacrm.segmentation.definitions:definition_current"


class RuleRefLike(Protocol):
    """The rule version behind one branch of a dimension."""

    @property
    def dimension(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def value(self) -> str: ...
    @property
    def condition_text(self) -> str: ...
    @property
    def priority(self) -> int: ...


class Definition(Protocol):
    """What grading needs of a definition. `rules` maps (dimension, branch number from 1 — the value of
    the plan's `<dimension>__rule` column, or the `<dimension>__<n>` tag column) to its rule version."""

    @property
    def catalog(self) -> Catalog: ...
    @property
    def dimensions(self) -> tuple[Dimension, ...]: ...
    @property
    def rules(self) -> Mapping[tuple[str, int], RuleRefLike]: ...
    @property
    def versions(self) -> Mapping[str, Any]: ...
    def plan(self) -> Plan: ...


_in_force: ContextVar[Definition | None] = ContextVar("grading_definition", default=None)


class NoDefinition(LookupError):
    """No rules are defined yet: there is nothing to grade with."""


def definition_active() -> Definition:
    """The definition in force: the one put in force by `definition_use`, else the provider's."""
    chosen = _in_force.get()
    if chosen is not None:
        return chosen
    return _provider()()


def definition_available() -> Definition | None:
    """The definition in force, or None when there is none (no rules yet, or no provider installed)."""
    try:
        return definition_active()
    except (NoDefinition, ImportError, AttributeError):
        return None


@contextmanager
def definition_use(definition: Definition) -> Iterator[Definition]:
    """Put `definition` in force for the block (this thread and context only)."""
    token = _in_force.set(definition)
    try:
        yield definition
    finally:
        _in_force.reset(token)


def definition_key(definition: Definition) -> str:
    """A stable text naming the definition's versions (what caches are keyed on)."""
    return json.dumps(dict(definition.versions), sort_keys=True, default=str)


def _provider() -> Callable[[], Definition]:
    module, _, name = os.environ.get("STRATA_GRADING_DEFINITION", DEFAULT_PROVIDER).partition(":")
    provider: Callable[[], Definition] = getattr(importlib.import_module(module), name)
    return provider
