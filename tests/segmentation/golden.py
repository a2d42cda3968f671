"""Golden files: expected SQL kept beside the tests, rewritten with STRATA_UPDATE_GOLDENS=1.

`fixtures/conditions.sql` holds one case per block, blank-line separated:

    -- <case name>
    <condition text>
    params: <the bound values, JSON>
    <dialect>: <the SQL expression>        (one line per dialect)

`fixtures/plan_<name>.<dialect>.sql` holds a whole plan, pretty-printed, under a `-- params:` line.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
UPDATE = os.environ.get("STRATA_UPDATE_GOLDENS") == "1"


@dataclass
class Case:
    name: str
    condition: str
    expected: dict[str, str] = field(default_factory=dict)  # "params" and each dialect


def read_cases(path: Path) -> list[Case]:
    cases = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        title, condition, *lines = block.strip().splitlines()
        case = Case(title.removeprefix("-- ").strip(), condition)
        for line in lines:
            key, _, value = line.partition(": ")
            case.expected[key] = value
        cases.append(case)
    return cases


def write_cases(path: Path, cases: list[Case]) -> None:
    blocks = []
    for case in cases:
        lines = [f"-- {case.name}", case.condition, *(f"{k}: {v}" for k, v in case.expected.items())]
        blocks.append("\n".join(lines))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def params_text(params: dict[str, object]) -> str:
    return json.dumps(params, ensure_ascii=False, default=str, sort_keys=True)


def check_file(path: Path, actual: str) -> None:
    """Compare with a golden file, or rewrite it when updating."""
    if UPDATE or not path.exists():
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual
