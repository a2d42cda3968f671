"""The permission matrix in docs/security.md is parsed strictly: the product reads it, and so do the tests."""

import pytest

from stratacrm.accounts.models import Role
from stratacrm.accounts.policy import POLICY_DOCUMENT, PolicyError, load_policy, parse_policy

DOC = POLICY_DOCUMENT.read_text(encoding="utf-8")


def test_the_document_defines_every_role_everywhere():
    policy = load_policy()
    assert set(policy.rows) == set(Role.values)
    for views in policy.fields.values():
        assert set(views) == set(Role.values)
    assert all(action.roles <= set(Role.values) for action in policy.actions.values())


def test_the_documented_examples_hold():
    policy = load_policy()
    assert policy.allows("administrator", "customer.unmask")
    assert not policy.allows("analyst", "customer.unmask")
    assert not policy.allows("auditor", "customer.update")
    assert policy.allows("auditor", "audit.view")
    assert policy.row_scope("account_manager") == "assigned"
    assert policy.field_view("analyst", "name") == "pseudonym"


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("| `customer.update` | write |", "| `customer.update` | writ |", "token scope"),
        (
            "| `audit.view` | read | read the audit trail | ✓ | — | — | — | ✓ |",
            "| `audit.view` | read | read the audit trail | ✓ | — | — | — | yes |",
            "cells must be",
        ),
        ("| account_manager | assigned |", "| account_manager | mine |", "not one of"),
        (
            "| phone | masked | masked | masked | masked | masked |",
            "| phone | masked | masked | masked |",
            "cells",
        ),
        ("| field | administrator |", "| field | admin |", "role columns"),
        ("<!-- policy:pages -->", "<!-- pages -->", "missing"),
        ("| GET | `/api/audit` | `audit.view` |", "| GET | `/api/audit` | `audit.read` |", "unknown action"),
        ("| name | clear |", "| nickname | clear |", "unknown or repeated field"),
    ],
)
def test_a_malformed_document_fails_loudly(old, new, complaint):
    assert old in DOC
    with pytest.raises(PolicyError, match=complaint):
        parse_policy(DOC.replace(old, new, 1))


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(PolicyError, match="unknown action"):
        load_policy().allows("administrator", "customer.delete")
