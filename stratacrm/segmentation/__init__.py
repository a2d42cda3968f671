"""Segmentation: metric catalog, conditions, rules, grade schemes, the compiler, runs and assignments."""
