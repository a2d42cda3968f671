"""`strata rules …`: check a rule file, load it as the current versions, list what is defined."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from .app import app, setup_django

if TYPE_CHECKING:
    from stratacrm.segmentation.definitions import GradingDefinition
    from stratacrm.segmentation.ruleset import RuleSet

rules_app = typer.Typer(help="Rule files: rules, custom metrics and grade schemes.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RuleFile = Annotated[Path, typer.Argument(help="A rule file (YAML), e.g. examples/rules/utility.yaml.")]


def _read(path: Path) -> tuple[RuleSet, GradingDefinition]:
    """The checked rule set and its definition; every problem printed and exit 1 when wrong."""
    from stratacrm.segmentation.conditions import ConditionError
    from stratacrm.segmentation.definitions import definition_build
    from stratacrm.segmentation.ruleset import RuleFileError, ruleset_read_file

    try:
        ruleset = ruleset_read_file(path)
        return ruleset, definition_build(ruleset)
    except RuleFileError as error:
        for line in str(error).splitlines():
            typer.secho(line, err=True, fg=typer.colors.RED)
        typer.secho(f"{len(error.problems)} problem(s) in {path}; nothing was written.", err=True)
        raise typer.Exit(1) from error
    except (ConditionError, ValueError) as error:
        typer.secho(f"{path}: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from error


@rules_app.command("check")
def check(path: RuleFile) -> None:
    """Check a rule file without writing anything: exit 1 with every problem (line:column), else a summary."""
    ruleset, definition = _read(path)
    table = Table(title=f"{path}: OK")
    for heading in ("dimension", "mode", "rules", "outputs"):
        table.add_column(heading)
    plan = definition.plan()
    for dimension in definition.dimensions:
        spec = next((d for d in ruleset.dimensions if d.name == dimension.name), None)
        rules = f"{len(spec.ordered_rules())} of {len(spec.rules)}" if spec else "—"
        columns = [o.column for o in plan.outputs if o.dimension == dimension.name]
        table.add_row(dimension.name, dimension.mode, rules, ", ".join(columns))
    Console().print(table)
    schemes = ", ".join(ruleset.schemes()) or "none"
    typer.echo(f"{len(ruleset.metrics)} custom metric(s), {len(ruleset.rules())} rule(s), schemes: {schemes}")


@rules_app.command("load")
def load(path: RuleFile) -> None:
    """Check a rule file, then publish it in one transaction: changed parts get a new version, parts
    no longer in the file are retired (kept as history), unchanged parts keep their version."""
    ruleset, _ = _read(path)
    setup_django()
    from stratacrm.segmentation.services import rule_set_load

    report = rule_set_load(document=ruleset, user=None)
    for change in report.changes:
        typer.echo(str(change))
    typer.echo(f"{len(report.changes)} change(s), {report.unchanged} part(s) unchanged")


@rules_app.command("list")
def list_rules(
    history: Annotated[bool, typer.Option("--history", help="Old and retired versions too.")] = False,
) -> None:
    """The rules by dimension, the custom metrics and the grade schemes in force."""
    setup_django()
    from stratacrm.segmentation.selectors import metric_list, rule_list, scheme_list

    shown = ""
    for row in rule_list(include_history=history):
        if row.dimension != shown:
            shown = row.dimension
            typer.echo(f"dimension {shown}")
        marks = ("" if row.enabled else " disabled") + ("" if row.is_current else " old")
        heading = f"  {row.name} v{row.version} priority {row.priority}{marks}"
        typer.echo(f"{heading} -> {row.value}: {row.condition}")
    for title, rows in (("custom metrics", metric_list()), ("grade schemes", scheme_list())):
        listed = ", ".join(f"{name} v{version}" for name, version, _ in rows) or "none"
        typer.echo(f"{title}: {listed}")
