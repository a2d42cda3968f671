"""Two writers at once: exactly one update of a version wins, and the audit chain never forks.

Real threads with their own database connections, on PostgreSQL (SQLite serialises writing transactions
itself, so there is no race to test there).
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from stratacrm.accounts.models import Role
from stratacrm.accounts.selectors import audit_verify
from stratacrm.accounts.services.audit import audit_record
from stratacrm.customers.models import Customer
from tests import factories

from .conftest import ApiClient, role_user

pytestmark = pytest.mark.django_db(transaction=True)


def _together(workers: list[Callable[[], object]]) -> list[object]:
    """Run the workers in threads released at the same instant; return their results in order."""
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = workers[i]()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs separate connections racing; SQLite serialises writers by itself")


@pytest.mark.usefixtures("postgres_only")
def test_two_writers_with_the_same_version_one_wins_one_gets_409():
    customer = factories.customer(name="original")
    clients = [ApiClient(role_user(Role.MARKETING_MANAGER)) for _ in range(2)]

    def writer(client: ApiClient, name: str) -> Callable[[], object]:
        return lambda: (
            client.patch_json(f"/api/customers/{customer.pk}", {"version": 1, "name": name}).status_code
        )

    statuses = _together([writer(clients[0], "first"), writer(clients[1], "second")])
    assert sorted(statuses) == [200, 409]  # type: ignore[type-var]
    customer = Customer.objects.get(pk=customer.pk)
    winner = "first" if statuses[0] == 200 else "second"
    assert customer.name == winner and customer.version == 2


@pytest.mark.usefixtures("postgres_only")
def test_concurrent_audit_writers_keep_one_chain():
    actor = role_user(Role.ADMINISTRATOR)

    def writer(tag: str) -> Callable[[], object]:
        return lambda: [
            audit_record(actor=actor, action="test.race", object_id=f"{tag}{i}") for i in range(15)
        ]

    _together([writer("a"), writer("b"), writer("c")])
    report = audit_verify()
    assert report.ok, report.problem
    assert report.entries >= 45
