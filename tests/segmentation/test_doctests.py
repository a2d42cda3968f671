"""The examples in the segmentation modules' docstrings run and hold."""

import doctest
import importlib

import pytest

MODULES = [
    "conditions",
    "fields",
    "text",
    "windows",
    "sources",
    "catalog",
    "library",
    "compiler",
    "compiler.expressions",
    "compiler.plan",
    "compiler.dimensions",
    "engines.layers",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"stratacrm.segmentation.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
