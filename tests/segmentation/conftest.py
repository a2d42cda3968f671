"""Engines loaded with the hand-made data set, shared by the whole session (they are read-only)."""

from collections.abc import Iterator

import pytest

from . import engines


@pytest.fixture(scope="session")
def sqlite() -> engines.Engine:
    return engines.sqlite_engine()


@pytest.fixture(scope="session")
def duck() -> engines.Engine:
    return engines.duckdb_engine()


@pytest.fixture(scope="session")
def postgres() -> Iterator[engines.Engine]:
    with engines.postgres_engine() as engine:
        if engine is None:
            pytest.skip("PostgreSQL is not reachable at " + engines.POSTGRES_URL)
        yield engine


@pytest.fixture(scope="session", params=["sqlite", "duckdb", "postgres"])
def engine(request: pytest.FixtureRequest) -> engines.Engine:
    name = {"duckdb": "duck"}.get(request.param, request.param)
    return request.getfixturevalue(name)
