"""Rule files: custom metrics, dimensions with their rules and the grade schemes, read from YAML with
every problem located in the file, as typed data the compiler and the versioned storage both take."""

from .nodes import Problem
from .reading import RuleFileError, ruleset_read, ruleset_read_file
from .schemes import ChurnRisk, Cuts, Lifecycle, ScorePart, Signal, ValueScore
from .specs import DimensionSpec, MetricSpec, RuleSet, RuleSpec, content_hash

__all__ = [
    "ChurnRisk",
    "Cuts",
    "DimensionSpec",
    "Lifecycle",
    "MetricSpec",
    "Problem",
    "RuleFileError",
    "RuleSet",
    "RuleSpec",
    "ScorePart",
    "Signal",
    "ValueScore",
    "content_hash",
    "ruleset_read",
    "ruleset_read_file",
]
