"""Work the pages start and do not wait for: grading runs and rule previews, in a thread of the server.

The work records its own progress in the database (a GradingRun row, a RulePreview row), so any
server process can show it; a thread that dies with its process leaves a row the next run marks
interrupted. Each thread closes its database connections when it ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)
_threads: set[threading.Thread] = set()
_lock = threading.Lock()


def in_background(work: Callable[[], object], *, name: str) -> None:
    """Start `work` in a daemon thread; its failure is logged (it records its own outcome)."""

    def run() -> None:
        try:
            work()
        except Exception:
            logger.exception("background work %s failed", name)
        finally:
            connections.close_all()
            with _lock:
                _threads.discard(threading.current_thread())

    thread = threading.Thread(target=run, name=f"strata-{name}", daemon=True)
    with _lock:
        _threads.add(thread)
    thread.start()


def background_wait(timeout: float) -> bool:
    """Wait for the work started so far to end (shutdown, tests); whether all of it ended in time."""
    with _lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in running)
