"""Fixed-width codes built as byte matrices: account and meter numbers, ID numbers, credit codes, phones.

A matrix of ASCII bytes, one row per value, becomes an arrow string array without any per-row Python.
"""

import numpy as np
import pyarrow as pa

from . import names

# GB 11643-1999 (resident ID number) check digit.
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
# GB 32100-2015 (unified social credit code) alphabet and weights; GB 11714 (organisation code) weights.
_USCC_ALPHABET = b"0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_BYTES = np.frombuffer(_USCC_ALPHABET, dtype=np.uint8)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ORG_X = _USCC_ALPHABET.index(b"X")


def ascii_strings(matrix: np.ndarray) -> pa.Array:
    """Turn an (n, width) matrix of ASCII bytes into n strings of `width` characters."""
    data = np.ascontiguousarray(matrix, dtype=np.uint8)
    n, width = data.shape
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def digits(values: np.ndarray, *, width: int) -> np.ndarray:
    """Return the last `width` decimal digits of each value as an (n, width) int64 matrix."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(values, dtype=np.int64)[:, None] // powers) % 10


def numbered(*, prefix: str, values: np.ndarray, width: int) -> pa.Array:
    """Return `prefix` followed by each value zero-padded to `width` digits."""
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    body = digits(values, width=width).astype(np.uint8) + ord("0")
    return ascii_strings(np.hstack([np.broadcast_to(head, (len(values), len(head))), body]))


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Return days since 1970-01-01 as integers yyyymmdd."""
    date = np.asarray(days).astype("datetime64[D]")
    year = date.astype("datetime64[Y]").astype(np.int64) + 1970
    month = date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (date - date.astype("datetime64[M]")).astype(np.int64) + 1
    return year * 10_000 + month * 100 + day


def ticket_numbers(*, days: np.ndarray, sequence: np.ndarray) -> pa.Array:
    """Return ticket numbers "GD" + the opening date (yyyymmdd) + a nine-digit running number."""
    head = np.broadcast_to(np.frombuffer(b"GD", dtype=np.uint8), (len(days), 2))
    body = np.hstack([digits(yyyymmdd(days), width=8), digits(sequence, width=9)]).astype(np.uint8) + ord("0")
    return ascii_strings(np.hstack([head, body]))


def id_numbers(*, region_codes: np.ndarray, birth_days: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Return 18-character resident ID numbers with a valid check digit.

    `region_codes` are six-digit district codes; `birth_days` are days since 1970-01-01.
    """
    birth = yyyymmdd(birth_days)
    sequence = rng.integers(1, 1000, size=len(birth_days))
    body = np.hstack([digits(region_codes, width=6), digits(birth, width=8), digits(sequence, width=3)])
    check = _ID_CHECK[(body @ _ID_WEIGHTS) % 11]
    return ascii_strings(np.hstack([body.astype(np.uint8) + ord("0"), check[:, None]]))


def credit_codes(*, prefixes: np.ndarray, region_codes: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Return 18-character unified social credit codes with valid organisation-code and final checks.

    `prefixes` are two-digit registration-authority and entity-type codes (91 companies, 93 farmer
    cooperatives, 12 public institutions).
    """
    n = len(prefixes)
    org = rng.integers(0, 10, size=(n, 8))
    org_check = 11 - (org @ _ORG_WEIGHTS) % 11
    org_value = np.where(org_check == 10, _ORG_X, org_check % 11 % 10)
    values = np.hstack([digits(prefixes, width=2), digits(region_codes, width=6), org, org_value[:, None]])
    check = (31 - (values @ _USCC_WEIGHTS) % 31) % 31
    return ascii_strings(_USCC_BYTES[np.hstack([values, check[:, None]])])


def mobile_phones(*, count: int, rng: np.random.Generator) -> pa.Array:
    """Return `count` 11-digit mainland mobile numbers."""
    prefixes = np.asarray(names.MOBILE_PREFIXES, dtype=np.int64)
    numbers = prefixes[rng.integers(0, len(prefixes), size=count)] * 100_000_000
    numbers += rng.integers(0, 100_000_000, size=count)
    return ascii_strings(digits(numbers, width=11).astype(np.uint8) + ord("0"))
