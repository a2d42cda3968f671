"""What a load reports: the problems that stopped it, or the rows and time per table when it succeeded."""

from dataclasses import dataclass, field
from typing import Any, Protocol

# A load with millions of bad rows keeps this many problems in detail and counts the rest.
MAX_PROBLEMS_KEPT = 1000


@dataclass(frozen=True)
class Problem:
    """One reason the load was refused.

    `row` is 1-based among the file's data rows (a CSV header does not count); it is None for a
    problem of the whole file or one the database found.
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f" column {self.column}"
        if self.row is None and self.column is None:
            return f"{where}: {self.reason}"
        return f"{where}: {self.reason} (value: {self.value!r})"


class LoadError(Exception):
    """The load was refused or rolled back; the database is as it was before."""

    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        first = str(problems[0]) if problems else "the load failed"
        more = f" (and {self.total - 1} more problems)" if self.total > 1 else ""
        super().__init__(first + more)


class ProblemList:
    """Collects problems, keeping the first MAX_PROBLEMS_KEPT in detail and counting all."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS_KEPT:
            self.kept.append(problem)

    def count(self, *, extra: int) -> None:
        """Count problems beyond those added one by one (vectorised checks add only the first few)."""
        self.total += extra

    @property
    def room(self) -> int:
        return MAX_PROBLEMS_KEPT - len(self.kept)

    def raise_if_any(self) -> None:
        if self.total:
            raise LoadError(self.kept, total=self.total)


class Progress(Protocol):
    """Called after each batch a load writes: `done` of `total` rows of the table `description`.

    The shape of the commands' progress callbacks (`stratacrm.cli.progress`), so the loader needs no UI.
    """

    def __call__(self, done: int, total: int | None = None, description: str | None = None) -> None: ...


@dataclass(frozen=True)
class TableLoad:
    """Rows written into one table and the seconds it took (index rebuilds included)."""

    table: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class LoadReport:
    """The result of a successful load."""

    tables: list[TableLoad] = field(default_factory=list)
    validation_seconds: float = 0.0
    commit_seconds: float = 0.0  # SQLite in WAL mode writes the pages and checkpoints here
    seconds: float = 0.0  # the whole load, validation and commit included

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0

    def rows_of(self, table: str) -> int:
        return next((t.rows for t in self.tables if t.table == table), 0)
