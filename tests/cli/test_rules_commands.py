"""`strata rules check | load | list` as a user runs them."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from stratacrm.cli.app import app

EXAMPLES = Path(__file__).parents[2] / "examples" / "rules"
runner = CliRunner()


@pytest.mark.parametrize("name", ["seed-001.yaml", "utility.yaml"])
def test_the_example_rule_files_pass_the_check(name: str) -> None:
    result = runner.invoke(app, ["rules", "check", str(EXAMPLES / name)])
    assert result.exit_code == 0, result.output
    assert f"{name}: OK" in result.output


def test_check_prints_every_problem_with_its_line_and_column_and_exits_1(tmp_path: Path) -> None:
    lines = [
        "dimensions:",
        "  - name: engagement",
        "    mode: tags",
        "    rules:",
        "      - {name: busy, when: 'interactions_30 > 5', then: {tag: busy}}",
        "      - {name: busy, when: 'interactions_90d > 9', then: {tagg: busier}}",
    ]
    path = tmp_path / "rules.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def at(line: int, needle: str) -> str:
        return f"{path}:{line}:{lines[line - 1].index(needle) + 1}"

    result = runner.invoke(app, ["rules", "check", str(path)])
    assert result.exit_code == 1
    rule = "rule 'busy' in dimension engagement"
    assert f"{at(5, 'interactions_30')}: {rule}: unknown name 'interactions_30'" in result.stderr
    assert f"{at(6, 'busy')}: {rule}: the rule name 'busy' is used twice" in result.stderr
    assert f"{at(6, 'tagg')}: {rule}: unknown action 'tagg'" in result.stderr
    assert "3 problem(s)" in result.stderr


@pytest.mark.django_db
def test_load_publishes_then_reports_nothing_to_do_and_list_shows_the_rules() -> None:
    first = runner.invoke(app, ["rules", "load", str(EXAMPLES / "seed-001.yaml")])
    assert first.exit_code == 0, first.output
    assert "added    rule      customer_groups/high value v1" in first.output
    again = runner.invoke(app, ["rules", "load", str(EXAMPLES / "seed-001.yaml")])
    assert again.output.strip().endswith("0 change(s), 4 part(s) unchanged")
    listed = runner.invoke(app, ["rules", "list"])
    assert "dimension customer_groups" in listed.output
    assert "high value v1 priority 0 -> high_value: purchase_amount_12m > 10000" in listed.output
    assert "custom metrics: purchase_amount_12m v1" in listed.output


@pytest.mark.django_db
def test_load_of_a_wrong_file_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("dimensions: [{name: g, mode: tags, rules: [{name: a, when: 'x >', then: {tag: a}}]}]\n")
    result = runner.invoke(app, ["rules", "load", str(path)])
    assert result.exit_code == 1
    listed = runner.invoke(app, ["rules", "list"])
    assert "dimension" not in listed.output
