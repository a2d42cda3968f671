"""Printing a grade explanation (`strata grade explain`) as plain terminal text."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape


def _value(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _checks(console: Console, rule: Any) -> None:
    for check in rule.checks:
        mark = "[green]✓[/green]" if check.holds else "[red]✗[/red]"
        expected = "" if check.expected is None else f" {escape(str(check.expected))}"
        negated = "NOT " if check.negated else ""
        console.print(
            f"      {mark} {negated}{check.key} {check.operator}{expected}: {escape(_value(check.actual))}"
        )


def explanation_print(console: Console, *, customer: Any, dimensions: list[Any]) -> None:
    """Every dimension: held values with their rule and the values that met it, the nearest miss."""
    console.print(f"[bold]{escape(customer.account_number)}[/bold] {escape(customer.name)}")
    for dimension in dimensions:
        held = ", ".join(h.value for h in dimension.held) or "—"
        console.print(f"\n[bold]{dimension.dimension}[/bold] ({dimension.mode}): {escape(held)}")
        for value in dimension.held:
            if value.rule is None:
                console.print(
                    f"  {escape(value.value)}: the default (no rule matched) since {value.since:%Y-%m-%d}"
                )
                continue
            stale = " [yellow](placed by an older version)[/yellow]" if value.outdated else ""
            console.print(
                f"  {escape(value.value)} by rule “{escape(value.rule.name)}” v{value.rule.version}"
                f" since {value.since:%Y-%m-%d}{stale}: {escape(value.rule.condition)}"
            )
            _checks(console, value.rule)
            if value.score is not None:
                console.print(f"      score {_value(value.score)}")
        for label, measure in dimension.measures.items():
            console.print(f"  {escape(str(label))}: {escape(_value(measure))}")
        miss = dimension.nearest_miss
        if miss is not None:
            console.print(
                f"  nearest missed: “{escape(miss.name)}” v{miss.version} → {escape(miss.value)}: "
                f"{escape(miss.condition)}"
            )
            _checks(console, miss)
