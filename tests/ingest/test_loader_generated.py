"""The loader takes what the workload generator writes, Parquet and CSV alike, without a problem."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.apps import apps
from django.db.models import Sum

from stratacrm.accounts.models import Role, User
from stratacrm.activity.models import Bill, Consumption
from stratacrm.customers.models import Customer
from stratacrm.ingest.generator import generate
from stratacrm.ingest.loader import load_directory
from stratacrm.ingest.tables import TABLES

CUSTOMERS = 2_000


def file_sum(path: Path, column: str) -> Decimal:
    """The exact sum of a money or kWh column as written (floats of two decimals)."""
    values = pq.read_table(path, columns=[column])[column].to_pylist()
    return sum((Decimal(str(round(v, 2))) for v in values), Decimal(0))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_generated_utility_loads_whole(tmp_path: Path, fmt: str) -> None:
    rows = generate(customers=CUSTOMERS, seed=5, end_month=dt.date(2025, 12, 1), out_dir=tmp_path, fmt=fmt)

    report = load_directory(path=tmp_path)

    for spec in TABLES:
        model = apps.get_model(spec.model)
        written = model._default_manager.count()
        if model is User:
            written = User.objects.filter(role=Role.ACCOUNT_MANAGER).count()
        assert written == rows[spec.name] == report.rows_of(spec.name), spec.name
    assert Customer.objects.filter(owner__isnull=False).exists()
    if fmt == "parquet":
        assert Bill.objects.aggregate(s=Sum("amount"))["s"] == file_sum(tmp_path / "bills.parquet", "amount")
        kwh = Consumption.objects.aggregate(s=Sum("kwh_total"))["s"]
        assert kwh == file_sum(tmp_path / "consumption.parquet", "kwh_total")
