"""A rule or scheme preview as the page shows it: one migration matrix per dimension with moves, the
edited rule's (or scheme's) dimension first, and example customers — only those the reader may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratacrm.accounts.models import User
from stratacrm.customers.selectors import customer_scope
from stratacrm.segmentation.text import to_text

from ..drafts import rule_loaded
from ..labels import value_label
from ..models import RulePreview, SchemePreview
from .grades import Grades


@dataclass(frozen=True)
class Move:
    before: str | None  # None: the customer had no value
    after: str | None
    customers: int
    examples: list[str]


@dataclass(frozen=True)
class Matrix:
    """Customers moving from each row's value to each column's value."""

    dimension: str
    label: str
    columns: list[str | None]
    rows: list[tuple[str | None, list[int | None]]]
    moves: list[Move]

    @property
    def total(self) -> int:
        return sum(move.customers for move in self.moves)


def preview_matrices(*, user: User, preview: RulePreview | SchemePreview, grades: Grades) -> list[Matrix]:
    """The preview's moves by dimension (none until it is ready)."""
    moves: list[list[Any]] = (preview.result or {}).get("moves", [])
    named = {number for move in moves for number in move[4]}
    scope = customer_scope(user=user).filter(account_number__in=named)
    visible = set(scope.values_list("account_number", flat=True))
    by_dimension: dict[str, list[list[Any]]] = {}
    for move in moves:
        by_dimension.setdefault(move[0], []).append(move)
    matrices = []
    for name in sorted(by_dimension, key=lambda n: (n != preview.dimension, n)):
        dimension = grades.get(name)
        label_of = dimension.label_of if dimension is not None else value_label
        listed = by_dimension[name]
        befores = list(dict.fromkeys(m[1] for m in listed))
        afters = list(dict.fromkeys(m[2] for m in listed))
        cells = {(m[1], m[2]): m[3] for m in listed}
        matrices.append(
            Matrix(
                name,
                dimension.label if dimension is not None else name,
                [label_of(a) if a else None for a in afters],
                [(label_of(b) if b else None, [cells.get((b, a)) for a in afters]) for b in befores],
                [
                    Move(
                        label_of(m[1]) if m[1] else None,
                        label_of(m[2]) if m[2] else None,
                        m[3],
                        [n for n in m[4] if n in visible],
                    )
                    for m in listed
                ],
            )
        )
    return matrices


def preview_rule_text(preview: RulePreview) -> str:
    """The previewed rule's condition as text."""
    return to_text(rule_loaded(preview.rule).condition)
