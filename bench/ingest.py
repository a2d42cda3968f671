"""Benchmark of the importer and of dedupe: N synthetic customers in a foreign-schema CSV.

Writes a CSV of N customers (Chinese names, mobiles in mixed forms, e-mails, province and city
aliases, 1% planted duplicates: the same person again under a new account number), imports it through
a column-mapping profile into a fresh database — a temporary SQLite file, or with --database-url a
PostgreSQL database named strata_bench_ingest (dropped and created, then migrated) — and reports rows
per second including reading, conversion, cleaning and every check. Then it runs the dedupe scan over
those customers and reports its time, the pairs compared and found, and the peak memory.

Usage: .venv/bin/python bench/ingest.py --customers 1000000 [--database-url postgres://…/test]
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

BENCH_DATABASE = "strata_bench_ingest"
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅")
PROFILE = {
    "name": "bench",
    "source": {"format": "csv", "encoding": "utf-8"},
    "tables": [
        {
            "target": "customers",
            "fields": {
                "account_number": "户号",
                "name": "户名",
                "customer_type": {"column": "用户类别", "map": {"居民": "residential", "商业": "commercial"}},
                "phone": "联系电话",
                "email": "电子邮箱",
                "province": "省",
                "city": "市",
                "created_at": {"column": "立户日期", "format": "%Y-%m-%d"},
            },
        }
    ],
}


def synthesise(*, customers: int, path: Path, seed: int = 7) -> int:
    """Write the CSV; returns how many planted duplicates it holds."""
    from stratacrm.ingest.generator.regions import DISTRICTS

    rng = np.random.default_rng(seed)
    n = customers
    names = np.char.add(
        np.char.add(
            np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)],
            np.array(GIVEN)[rng.integers(0, len(GIVEN), n)],
        ),
        np.array(GIVEN)[rng.integers(0, len(GIVEN), n)],
    )
    mobiles = rng.integers(13_000_000_000, 19_999_999_999, n).astype(str)
    shapes = rng.integers(0, 3, n)
    m = pa.array(mobiles)
    dashed = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(m, 0, 3),
        pc.utf8_slice_codeunits(m, 3, 7),
        pc.utf8_slice_codeunits(m, 7, 11),
        "-",
    )
    prefixed = pc.binary_join_element_wise("+86 ", m, "")
    phones = np.array(
        pc.if_else(pa.array(shapes == 0), m, pc.if_else(pa.array(shapes == 1), prefixed, dashed)),
        dtype=object,
    )
    emails = np.where(
        rng.random(n) < 0.3, np.char.add(np.char.add("u", np.arange(n).astype(str)), "@Example.com"), ""
    )
    district = [DISTRICTS[i] for i in rng.integers(0, len(DISTRICTS), n)]
    short = rng.random(n) < 0.5
    provinces = [d.province_zh[:2] if s else d.province_zh for d, s in zip(district, short, strict=True)]
    cities = [d.city_zh for d in district]
    days = rng.integers(0, 365 * 20, n)
    created = (np.datetime64("2004-01-01") + days.astype("timedelta64[D]")).astype(str)
    accounts = np.char.add("B", np.char.zfill(np.arange(n).astype(str), 9))
    kinds = np.where(rng.random(n) < 0.85, "居民", "商业")
    planted = n // 100
    source = rng.choice(n - planted, planted, replace=False)
    target = np.arange(n - planted, n)
    for column in (names, phones, kinds):
        column[target] = column[source]
    table = pa.table(
        {
            "户号": accounts,
            "户名": names,
            "用户类别": kinds,
            "联系电话": phones,
            "电子邮箱": emails,
            "省": provinces,
            "市": cities,
            "立户日期": created,
        }
    )
    pa_csv.write_csv(table, path)
    return planted


def fresh_postgres(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(*, customers: int, database_url: str, work: Path) -> None:
    csv_path = work / "customers.csv"
    started = time.perf_counter()
    planted = synthesise(customers=customers, path=csv_path)
    print(
        f"wrote {customers:,} customers ({csv_path.stat().st_size / 2**20:.0f} MiB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    os.environ["STRATA_DATABASE_URL"] = database_url
    from stratacrm.cli.app import setup_django

    setup_django("stratacrm.config.django.base")
    from django.core.management import call_command
    from django.db import connection

    from stratacrm.ingest.dedupe.scan import dedupe_scan
    from stratacrm.ingest.importer.profile import profile_parse
    from stratacrm.ingest.importer.run import import_file

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    profile = profile_parse(PROFILE)
    report = import_file(path=csv_path, file_name=csv_path.name, profile=profile)
    counts = report.tables["customers"]
    print(
        f"import: {report.rows:,} rows in {report.seconds:.1f} s = {report.rows_per_second:,.0f} rows/s "
        f"(new {counts['new']:,}; checks and cleaning included); peak {peak_mib():,.0f} MiB"
    )
    core = report.seconds - report.changed_seconds
    print(
        f"  of which customers_changed (mark updated, re-grade hook): {report.changed_seconds:.1f} s; "
        f"without it {report.rows / core:,.0f} rows/s"
    )
    for rule, entry in report.cleaning.items():
        print(f"  cleaned {rule}: {entry['count']:,}")
    again = import_file(path=csv_path, file_name=csv_path.name, profile=profile)
    print(
        f"re-import (nothing changes): {again.seconds:.1f} s = {again.rows_per_second:,.0f} rows/s, "
        f"{again.tables['customers']}"
    )
    scan = dedupe_scan(threshold=85)
    print(
        f"dedupe: {scan.customers:,} customers, {scan.pairs_compared:,} pairs compared, "
        f"{scan.candidates:,} found ({planted:,} planted) in {scan.seconds:.1f} s; peak {peak_mib():,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="strata-bench-ingest-") as work:
        url = (
            fresh_postgres(args.database_url)
            if args.database_url
            else f"sqlite:///{Path(work) / 'bench.sqlite3'}"
        )
        run(customers=args.customers, database_url=url, work=Path(work))


if __name__ == "__main__":
    main()
