"""Rich progress bars for long commands, exposed as a plain callback so services stay UI-free."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Advance = Callable[..., None]


@contextmanager
def bar(description: str, *, total: int | None) -> Iterator[Advance]:
    """Show one progress bar; the yielded callback sets `(done, total=None, description=None)`."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(description, total=total)

        def advance(done: int, total: int | None = None, description: str | None = None) -> None:
            changes: dict[str, object] = {"completed": done}
            if total is not None:
                changes["total"] = total
            if description is not None:
                changes["description"] = description
            progress.update(task, **changes)  # type: ignore[arg-type]

        yield advance
