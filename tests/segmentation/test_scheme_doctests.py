"""The examples in the docstrings of the rule-file, scheme and definition modules run and hold."""

import doctest
import importlib

import pytest

MODULES = [
    "scoring",
    "compiler.scores",
    "definitions",
    "ruleset.specs",
    "ruleset.schemes",
    "ruleset.custom",
    "ruleset.nodes",
    "ruleset.reading",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"stratacrm.segmentation.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
