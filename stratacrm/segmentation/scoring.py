"""Scores, points and tiers as metrics: what a grade scheme adds to the catalog.

A grade scheme compiles to ordinary derived metrics (source `derived`) whose `scoring` says how:

| aggregate  | scoring     | value per customer                                                        |
| ---------- | ----------- | ------------------------------------------------------------------------- |
| `points`   | `Points`    | `points` when the metric's `filter` (a condition over metrics) holds, else 0 |
| `weighted` | `Weights`   | the weighted sum of the inputs (never missing: inputs count as 0 when missing) |
| `bin`      | `Binned`    | the input's quantile bin among all graded customers: `ceil(bins * CUME_DIST)` |
| `scaled`   | `Scaled`    | `(v - min) / (max - min)` over all graded customers, clamped to 0..1        |
| `quantile` | `Quantiles` | the label of the share of customers (from the best) the input falls in      |

`bin`, `scaled` and `quantile` are relative to the population: their cut-points (values at given
positions of the sorted inputs, or the minimum and maximum) are computed over every graded customer
(see `compiler/population.py`). A customer without a value gets the worst bin, 0 when scaled, and is
not counted in the population. Ties share the better bin or tier, so equal values always grade alike.

>>> Binned(bins=5).cut_names("value_score_recency")[:2]
('pop__value_score_recency__1', 'pop__value_score_recency__2')
>>> Quantiles(("S", "A", "B"), (5.0, 15.0, 80.0)).cumulative_basis_points()
(500, 2000)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

MAX_BINS = 100
SCORE_AGGREGATES = frozenset({"points", "weighted", "bin", "scaled", "quantile"})
POPULATION_AGGREGATES = frozenset({"bin", "scaled", "quantile"})
_BASIS_POINTS = 100  # per percent


def cut_name(metric: str, part: str | int) -> str:
    """The name of one population value of a metric, as a column and as a bound parameter."""
    return f"pop__{metric}__{part}"  # catalog.define_metric refuses metric names starting with pop__


@dataclass(frozen=True)
class Points:
    """Points given when the metric's filter holds."""

    points: float

    def cut_names(self, metric: str) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Weights:
    """One weight per input, in the order of the metric's inputs."""

    weights: tuple[float, ...]

    def cut_names(self, metric: str) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Binned:
    """Quantile bins 1..bins (`unit`: mapped to 0..1 as `(bin - 1) / (bins - 1)`)."""

    bins: int
    lower_is_better: bool = False
    unit: bool = False

    def cut_names(self, metric: str) -> tuple[str, ...]:
        """Cut-point k is the value at position floor(n * k / bins) + 1, worst first (k = 1..bins-1)."""
        return tuple(cut_name(metric, k) for k in range(1, self.bins))


@dataclass(frozen=True)
class Scaled:
    """Min-max scaling over the population; `lower_is_better` turns it round."""

    lower_is_better: bool = False

    def cut_names(self, metric: str) -> tuple[str, ...]:
        return (cut_name(metric, "min"), cut_name(metric, "max"))


@dataclass(frozen=True)
class Quantiles:
    """Labels by shares of customers (percent, best first, summing to 100); the last takes the rest."""

    labels: tuple[str, ...]
    shares: tuple[float, ...]

    def cumulative_basis_points(self) -> tuple[int, ...]:
        """The cumulative shares of every label but the last, in hundredths of a percent."""
        total, cumulative = 0, []
        for share in self.shares[:-1]:
            total += round(share * _BASIS_POINTS)
            cumulative.append(total)
        return tuple(cumulative)

    def cut_names(self, metric: str) -> tuple[str, ...]:
        """Cut-point j is the value at position ceil(n * share_1..j), best first."""
        return tuple(cut_name(metric, j) for j in range(1, len(self.labels)))


Scoring: TypeAlias = Points | Weights | Binned | Scaled | Quantiles
