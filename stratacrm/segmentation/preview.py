"""Preview a rule file before it goes live: who would move from which group to which, with examples.

The file's definition is computed on an engine and diffed against the published assignments exactly
as a run would publish it, inside a read transaction that is always rolled back: nothing is written, and
writers (events, live re-grades) are not held up while it computes (`runs/reading.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from stratacrm.customers.models import Customer

from .engines import engine_check, engine_default
from .runs.batch import today
from .runs.compute import compute, plan_for
from .runs.definition import Definition
from .runs.publish import Attribution, publish
from .runs.reading import read_transaction
from .runs.staging import stage

SAMPLES = 5
Move = tuple[str, str, str]  # dimension, from, to ('' = none)


@dataclass
class Preview:
    """Per (dimension, from, to): how many customers would move, and up to N of their account numbers."""

    as_of: dt.date
    engine: str
    customers: int = 0
    moves: dict[Move, int] = field(default_factory=dict)
    samples: dict[Move, list[str]] = field(default_factory=dict)

    def matrix(self, dimension: str) -> dict[tuple[str, str], int]:
        """The migration matrix of one dimension: (from, to) -> customers."""
        return {(f, t): n for (d, f, t), n in self.moves.items() if d == dimension}


def rules_preview(
    *,
    path: Path,
    as_of: dt.date | None = None,
    engine: str | None = None,
    samples: int = SAMPLES,
    definition: Definition | None = None,
) -> Preview:
    """Evaluate the rule file at `path` (or `definition`) and compare with what is published."""
    if definition is None:
        from .definitions import definition_from_file

        definition = definition_from_file(path)
    chosen = engine_check(engine) if engine else engine_default()
    as_of = as_of or today()
    preview = Preview(as_of, chosen)
    with read_transaction():
        computed = compute(definition=definition, engine=chosen, as_of=as_of, today=today())
        staged = stage(results=computed.results, definition=definition, plan=plan_for(definition))
        outcome = publish(
            staged=staged,
            dimensions=definition.dimensions,
            attribution=Attribution(as_of=as_of, now=timezone.now()),
            write=False,
        )
    preview.customers = computed.results.num_rows
    examples: dict[Move, list[int]] = defaultdict(list)
    changes = outcome.changes.to_pylist() if outcome.changes is not None else []
    for change in changes:
        move = (change["dimension"], change["from_value"], change["to_value"])
        preview.moves[move] = preview.moves.get(move, 0) + 1
        if len(examples[move]) < samples:
            examples[move].append(change["customer_id"])
    numbers = dict(
        Customer.objects.filter(pk__in={i for ids in examples.values() for i in ids}).values_list(
            "pk", "account_number"
        )
    )
    preview.samples = {move: [numbers[i] for i in ids if i in numbers] for move, ids in examples.items()}
    preview.moves = dict(sorted(preview.moves.items()))
    return preview
