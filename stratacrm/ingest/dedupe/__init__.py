"""Duplicate customers: found by blocking and fuzzy scoring, reviewed, merged and, when wrong, unmerged."""
