"""Account managers: about one per 400 non-residential customers, spread over the provinces."""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import codes, params
from .regions import DISTRICTS, PROVINCES_ZH
from .vocab import Vocab, take

# Province index of each district, and each province's weight (its districts' weights summed).
DISTRICT_PROVINCE = np.array([PROVINCES_ZH.index(d.province_zh) for d in DISTRICTS], dtype=np.int64)
_PROVINCE_WEIGHT = np.bincount(DISTRICT_PROVINCE, weights=[d.weight for d in DISTRICTS])


@dataclass(frozen=True)
class Staff:
    """The account managers, sorted by province, with each province's first row and head count."""

    table: pa.Table
    usernames: pa.Array
    province_start: np.ndarray
    province_count: np.ndarray

    def owners(self, *, rng: np.random.Generator, district: np.ndarray) -> pa.Array:
        """Pick an account manager of each district's province (any manager where a province has none)."""
        province = DISTRICT_PROVINCE[district]
        start = self.province_start[province]
        count = self.province_count[province]
        anywhere = count == 0
        start = np.where(anywhere, 0, start)
        count = np.where(anywhere, len(self.usernames), count)
        index = start + (rng.random(len(district)) * count).astype(np.int64)
        return take(self.usernames, index)


def staff_count(customers: int) -> int:
    """Return the number of account managers for `customers` customers."""
    non_residential = customers * (1.0 - params.TYPE_SHARES[params.RES])
    return max(params.MIN_STAFF, round(non_residential / params.STAFF_PER_NON_RESIDENTIAL))


def make_staff(*, customers: int, vocab: Vocab, rng: np.random.Generator) -> Staff:
    """Draw the account managers for `customers` customers: usernames am0001…, names, team, region."""
    count = staff_count(customers)
    # Provinces in order of weight; each gets a manager before any gets a second, then by weight.
    by_weight = np.argsort(-_PROVINCE_WEIGHT, kind="stable")
    covered = by_weight[: min(count, len(by_weight))]
    extra = rng.choice(
        len(_PROVINCE_WEIGHT), size=count - len(covered), p=_PROVINCE_WEIGHT / _PROVINCE_WEIGHT.sum()
    )
    province = np.sort(np.concatenate([covered, extra]))
    surname = rng.choice(len(vocab.surnames.p), size=count, p=vocab.surnames.p)
    given = rng.integers(0, len(vocab.given), size=count)
    if vocab.locale == "zh_CN":
        second = rng.integers(0, len(vocab.given), size=count)
        first_name = pc.binary_join_element_wise(take(vocab.given, given), take(vocab.given, second), "")
    else:
        first_name = take(vocab.given, given)
    usernames = codes.numbered(prefix="am", values=np.arange(1, count + 1), width=max(4, len(str(count))))
    district_of_province = np.array([DISTRICT_PROVINCE.tolist().index(p) for p in range(len(PROVINCES_ZH))])
    table = pa.table(
        {
            "username": usernames,
            "first_name": first_name,
            "last_name": take(vocab.surnames.words, surname),
            "team": take(vocab.staff_teams, rng.integers(0, len(vocab.staff_teams), size=count)),
            "region": take(vocab.provinces, district_of_province[province]),
        }
    )
    starts = np.searchsorted(province, np.arange(len(PROVINCES_ZH)))
    counts = np.bincount(province, minlength=len(PROVINCES_ZH))
    return Staff(table=table, usernames=usernames, province_start=starts, province_count=counts)
