"""Benchmark of `strata generate`: wall seconds, rows per second and peak memory for N customers.

Usage: .venv/bin/python bench/generate.py [--customers 1000000] [--format parquet|csv] [--keep DIR]
"""

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

from stratacrm.ingest.generator import generate


def run(*, customers: int, seed: int, months: int, fmt: str, out_dir: Path) -> None:
    """Generate into `out_dir` and print the figures."""
    started = time.perf_counter()
    rows = generate(
        customers=customers,
        seed=seed,
        months=months,
        end_month=dt.date(2025, 12, 1),
        out_dir=out_dir,
        fmt=fmt,
    )
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    size_mib = sum(p.stat().st_size for p in out_dir.iterdir()) / 2**20
    total = sum(rows.values())
    for name, count in rows.items():
        print(f"{name:>18} {count:>12,}")
    print(f"customers={customers:,} months={months} format={fmt} seed={seed}")
    print(
        f"wall {elapsed:.1f} s, {total:,} rows, {total / elapsed:,.0f} rows/s, peak RSS {peak_mib:,.0f} MiB"
    )
    print(f"output {size_mib:,.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark in a temporary directory (or --keep DIR)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--keep", type=Path, help="write here and keep the files")
    args = parser.parse_args(argv)
    if args.keep is not None:
        run(customers=args.customers, seed=args.seed, months=args.months, fmt=args.format, out_dir=args.keep)
        return
    with tempfile.TemporaryDirectory(prefix="strata-generate-") as tmp:
        run(customers=args.customers, seed=args.seed, months=args.months, fmt=args.format, out_dir=Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
