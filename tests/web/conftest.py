"""A small generated utility, its rules published and graded, and signed-in clients for each role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from stratacrm.accounts.models import Role, User
from stratacrm.ingest.generator import generate
from stratacrm.ingest.loader import load_directory
from stratacrm.segmentation.models import GradingRun
from stratacrm.segmentation.ruleset import ruleset_read, ruleset_read_file
from stratacrm.segmentation.runs import grading_run
from stratacrm.segmentation.services import rule_set_load
from tests import factories

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "rules"
CUSTOMERS = 160


def last_full_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture(scope="session")
def utility_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("web-utility")
    generate(
        customers=CUSTOMERS,
        seed=11,
        months=24,
        end_month=last_full_month(dt.date.today()),
        out_dir=directory,
        fmt="parquet",
    )
    return directory


@pytest.fixture
def web_engine(settings: pytest.FixtureRequest) -> None:
    """Runs and previews started from the pages compute in the database itself (tiny data)."""
    settings.STRATA_WEB_GRADING_ENGINE = ""  # type: ignore[attr-defined]


def utility_load(files: Path) -> GradingRun:
    load_directory(path=files)
    rule_set_load(document=ruleset_read_file(EXAMPLES / "utility.yaml"), user=None)
    return grading_run()


@pytest.fixture
def utility(db: None, utility_files: Path, web_engine: None) -> GradingRun:
    """The generated utility loaded, the utility rules published, one grading run done."""
    return utility_load(utility_files)


@pytest.fixture
def utility_committed(transactional_db: None, utility_files: Path, web_engine: None) -> GradingRun:
    """The same, committed: for work the pages start in the background (another connection)."""
    return utility_load(utility_files)


def rules_publish(text: str) -> GradingRun:
    """Publish a rule file's text and grade every customer."""
    rule_set_load(document=ruleset_read(text), user=None)
    return grading_run()


@pytest.fixture
def signed_in() -> Callable[..., Client]:
    """A client signed in as a new user of `role` (or as `user`)."""

    def sign_in(role: Role | None = None, *, user: User | None = None) -> Client:
        if user is None:
            admin = role == Role.ADMINISTRATOR
            user = factories.user(role=role, is_staff=admin, is_superuser=admin)
        client = Client()
        client.force_login(user)
        return client

    return sign_in


def manager_of_most_customers() -> User:
    """The generated account manager who owns the most customers."""
    from django.db.models import Count

    return User.objects.annotate(n=Count("owned_customers")).order_by("-n").first()  # type: ignore[return-value]
