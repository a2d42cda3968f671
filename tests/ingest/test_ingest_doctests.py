"""The `>>>` examples in the importer, dedupe, export and webhook modules hold."""

import doctest
import importlib

import pytest

MODULES = [
    "stratacrm.ingest.importer.profile",
    "stratacrm.ingest.importer.regions",
    "stratacrm.ingest.export.cells",
    "stratacrm.ingest.dedupe.survivorship",
    "stratacrm.ingest.webhooks.deliver",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted and not result.failed
