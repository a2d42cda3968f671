"""Printing `bench/grading.py`'s figures: seconds, peak memory and the ratios the targets are about."""

from __future__ import annotations

from typing import Any


def _s(value: Any) -> str:
    return "—" if value is None else f"{value:,.2f}"


def print_report(results: dict[str, dict[str, Any]], *, customers: int, sample: int) -> None:
    print(f"\nGrading benchmark: {customers:,} customers, utility rules, as of 2025-12-31")
    for name, f in results.items():
        print(f"\n== {name} (peak RSS {f['peak_rss_mib']:,.0f} MiB; load {f['load_s']:.1f} s)")
        for key in sorted(f):
            if (
                key.endswith("_s")
                or key.endswith("_error")
                or (key.endswith("_mib") and not key.startswith("peak"))
            ):
                print(f"  {key:<40} {_s(f[key]) if not key.endswith('_error') else f[key]}")
        counts = ("first_changes", "customers_changed", "rerun_changes", "rerun_changes_by_dimension")
        for key in (*counts, "record_agree"):
            print(f"  {key:<40} {f.get(key)}")
    sqlite = results.get("sqlite", {})
    floor = sqlite.get("floor_s")
    print("\n== ratios")
    if floor:
        for name, f in results.items():
            for key in (k for k in f if k.startswith("compute_") and k.endswith("_s")):
                print(f"  {key[:-2]} / floor{'':<22} {f[key] / floor:,.1f}x  ({name})")
    best = min(
        (f[k] for f in results.values() for k in f if k.startswith("compute_") and k.endswith("_s")),
        default=None,
    )
    if "record_scaled_s" in sqlite and best:
        print(
            f"  record-at-a-time / fastest engine{'':<6} {sqlite['record_scaled_s'] / best:,.0f}x"
            f"  (measured on {sqlite['record_sample']:,} customers in {sqlite['record_sample_s']:.1f} s,"
            f" scaled linearly to {customers:,}: {sqlite['record_scaled_s']:,.0f} s; raw SQL per source)"
        )
    if "record_orm_scaled_s" in sqlite and best:
        print(
            f"  record-at-a-time (ORM) / fastest engine {sqlite['record_orm_scaled_s'] / best:,.0f}x"
            f"  (same sample in {sqlite['record_orm_sample_s']:.1f} s,"
            f" scaled: {sqlite['record_orm_scaled_s']:,.0f} s; rows read through the Django models)"
        )
    for name, f in results.items():
        first, rerun = f.get("run_first_publish_s"), f.get("run_rerun_publish_s")
        if first and rerun:
            print(
                f"  publish re-run (1% changed) / first{'':<4} {rerun / first:,.2f}  ({name}: {rerun:.2f} s)"
            )
