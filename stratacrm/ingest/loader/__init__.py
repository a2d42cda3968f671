"""The bulk loader: `load_directory` writes a directory of interchange files (see `stratacrm.ingest.tables`)
into the operational database in one transaction, after checking every row.
"""

from .loading import load_directory
from .results import LoadError, LoadReport, Problem, Progress, TableLoad

__all__ = ["LoadError", "LoadReport", "Problem", "Progress", "TableLoad", "load_directory"]
