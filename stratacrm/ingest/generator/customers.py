"""The `customers` table: names, regions, identity numbers, contacts, grades and owners."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import codes, params
from .params import AGR, COM, IND, PUB, RES
from .population import CLOSED, PROSPECT, STATUSES, SUSPENDED, Population
from .regions import DISTRICTS
from .staff import Staff
from .vocab import Vocab, take
from .window import US_PER_DAY, Window

_DISTRICT_P = np.array([d.weight for d in DISTRICTS]) / sum(d.weight for d in DISTRICTS)
_DISTRICT_CODES = np.array([d.code for d in DISTRICTS], dtype=np.int64)
_CHANNELS = ("", "phone", "email", "meeting", "visit", "online", "sms", "social")
_CHANNEL_P_RES = np.array([0.1, 0.27, 0.05, 0.0, 0.0, 0.27, 0.18, 0.13])
_CHANNEL_P_BIZ = np.array([0.1, 0.32, 0.18, 0.18, 0.13, 0.09, 0.0, 0.0])
_SOURCES = ("counter", "hotline", "app", "website", "referral", "field", "import")
_SOURCE_P_RES = np.array([0.3, 0.1, 0.25, 0.05, 0.02, 0.0, 0.28])
_SOURCE_P_BIZ = np.array([0.2, 0.0, 0.0, 0.05, 0.15, 0.35, 0.25])
_GRADES = ("A", "B", "C", "")
_IMPORTANT = ("special", "first", "second", "temporary", "none")
_USCC_PREFIX = np.array([0, 91, 91, 93, 12])


def scatter(*, count: int, parts: list[tuple[np.ndarray, pa.Array]]) -> pa.Array:
    """Combine arrays computed on disjoint row subsets (given by boolean masks) into one of `count` rows."""
    order = np.concatenate([np.flatnonzero(mask) for mask, _ in parts])
    inverse = np.empty(count, dtype=np.int64)
    inverse[order] = np.arange(count)
    return pa.concat_arrays([array for _, array in parts]).take(pa.array(inverse))


def _words(words: tuple[str, ...], index: np.ndarray) -> pa.Array:
    return take(pa.array(list(words), type=pa.string()), index)


def _join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def _person_names(rng: np.random.Generator, *, vocab: Vocab, count: int) -> tuple[pa.Array, pa.Array]:
    """Return person names and e-mail handles."""
    surname = rng.choice(len(vocab.surnames.p), size=count, p=vocab.surnames.p)
    given = rng.integers(0, len(vocab.given), size=count)
    if vocab.locale == "zh_CN":
        two = rng.random(count) < vocab.given_two_share
        second = np.where(two, rng.integers(0, len(vocab.given), size=count), len(vocab.given))
        given_words = pa.concat_arrays([vocab.given, pa.array([""])])
        name = _join(take(vocab.surnames.words, surname), take(vocab.given, given), take(given_words, second))
        return name, take(vocab.surnames.extra, surname)
    first = take(vocab.given, given)
    name = _join(first, take(vocab.surnames.words, surname), sep=" ")
    return name, _join(pc.utf8_lower(first), take(vocab.surnames.extra, surname), sep=".")


def _org_names(
    rng: np.random.Generator, *, vocab: Vocab, ctype: np.ndarray, district: np.ndarray, industry: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    """Return organisation names and e-mail handles (`industry` indexes the type's industry list)."""
    count = len(ctype)
    word = rng.integers(0, len(vocab.company_words.words), size=count)
    suffix_u = rng.random(count)
    parts: list[tuple[np.ndarray, pa.Array]] = []
    for kind in (COM, IND, AGR, PUB):
        mask = ctype == kind
        if kind == PUB:
            institution = take(vocab.institutions.words, industry[mask])
            parts.append((mask, _join(take(vocab.cities, district[mask]), institution, sep=vocab.sep)))
            continue
        suffixes = vocab.suffixes[kind]
        suffix = (suffix_u[mask] * len(suffixes)).astype(np.int64)
        names = _join(
            take(vocab.city_short, district[mask]),
            take(vocab.company_words.words, word[mask]),
            take(vocab.industries[kind].extra, industry[mask]),
            take(suffixes, suffix),
            sep=vocab.sep,
        )
        parts.append((mask, names))
    return scatter(count=count, parts=parts), take(vocab.company_words.extra, word)


def _address(rng: np.random.Generator, *, vocab: Vocab, district: np.ndarray, home: np.ndarray) -> pa.Array:
    """Return street addresses; `home` rows get a building, unit and room."""
    count = len(district)
    street = take(vocab.streets, rng.integers(0, len(vocab.streets), size=count))
    number = pc.cast(pa.array(rng.integers(1, 400, size=count)), pa.string())
    building = pc.cast(pa.array(rng.integers(1, 31, size=count)), pa.string())
    unit = pc.cast(pa.array(rng.integers(1, 7, size=count)), pa.string())
    room = rng.integers(1, 34, size=count) * 100 + rng.integers(1, 5, size=count)
    room_text = pc.cast(pa.array(room), pa.string())
    region = take(vocab.region_text, district)
    if vocab.locale == "zh_CN":
        flat = _join(building, "栋", unit, "单元", room_text, "室")
        flat = pc.if_else(pa.array(home), flat, "")
        return _join(region, street, number, "号", flat)
    flat = _join("Flat ", room_text, ", Building ", building, ", ")
    flat = pc.if_else(pa.array(home), flat, "")
    return _join(flat, number, " ", street, region)


def customer_table(
    *, rng: np.random.Generator, pop: Population, window: Window, vocab: Vocab, staff: Staff
) -> pa.Table:
    """Return the customers' rows (the `customers` table) for one chunk."""
    n = pop.size
    ctype, status = pop.ctype, pop.status
    person = ctype == RES
    prospect = status == PROSPECT
    district = rng.choice(len(DISTRICTS), size=n, p=_DISTRICT_P)
    industry = np.zeros(n, dtype=np.int64)
    for kind in (COM, IND, AGR, PUB):
        mask = ctype == kind
        choice = vocab.industries[kind]
        industry[mask] = rng.choice(len(choice.p), size=int(mask.sum()), p=choice.p)
    person_name, person_handle = _person_names(rng, vocab=vocab, count=int(person.sum()))
    org_name, org_handle = _org_names(
        rng, vocab=vocab, ctype=ctype[~person], district=district[~person], industry=industry[~person]
    )
    name = scatter(count=n, parts=[(person, person_name), (~person, org_name)])
    handle = scatter(count=n, parts=[(person, person_handle), (~person, org_handle)])
    industry_name = scatter(
        count=n,
        parts=[
            (ctype == k, take(vocab.industries[k].words, industry[ctype == k]))
            for k in range(len(params.TYPES))
        ],
    )

    birth = (window.start_us // US_PER_DAY) - rng.integers(20 * 365, 80 * 365, size=n)
    region_code = _DISTRICT_CODES[district]
    person_id = codes.id_numbers(region_codes=region_code[person], birth_days=birth[person], rng=rng)
    org_id = codes.credit_codes(
        prefixes=_USCC_PREFIX[ctype[~person]], region_codes=region_code[~person], rng=rng
    )
    id_number = scatter(count=n, parts=[(person, person_id), (~person, org_id)])
    id_number = pc.if_else(pa.array(prospect & (rng.random(n) < 0.5)), "", id_number)
    phone = codes.mobile_phones(count=n, rng=rng)
    phone = pc.if_else(pa.array(rng.random(n) < 0.03), "", phone)

    has_email = prospect | (rng.random(n) < np.where(person, 0.3, 0.6))
    domain = take(vocab.email_domains, rng.integers(0, len(vocab.email_domains), size=n))
    suffix = pc.cast(pa.array(rng.integers(1, 10_000, size=n)), pa.string())
    email = pc.if_else(pa.array(has_email), _join(handle, suffix, "@", domain), "")

    business = ~person
    channel = np.where(
        business,
        rng.choice(len(_CHANNELS), size=n, p=_CHANNEL_P_BIZ),
        rng.choice(len(_CHANNELS), size=n, p=_CHANNEL_P_RES),
    )
    source = np.where(
        business,
        rng.choice(len(_SOURCES), size=n, p=_SOURCE_P_BIZ),
        rng.choice(len(_SOURCES), size=n, p=_SOURCE_P_RES),
    )
    source = np.where(prospect, _SOURCES.index("website"), source)
    form = prospect | (rng.random(n) < params.FORM_FILLED_SHARE)

    u = rng.random(n)
    grade = np.where(pop.late_payer, np.searchsorted([0.1, 0.7], u), np.searchsorted([0.75, 0.97], u))
    grade = np.where(pop.first > 0, 1, grade)
    grade = np.where(prospect, 3, grade)

    u = rng.random(n)
    important = np.full(n, 4)
    big = pop.capacity >= 40_000
    important = np.where((ctype == IND) & big, np.where(u < 0.3, 0, 1), important)
    mid = (ctype == IND) & ~big & (pop.capacity >= 8_000)
    important = np.where(mid, np.searchsorted([0.3, 0.8], u) + 1, important)
    important = np.where((ctype == PUB), np.searchsorted([0.15, 0.5], u) + 1, important)
    important = np.where((ctype == PUB) & (important == 3), 4, important)
    important = np.where((ctype == COM) & (u < 0.03), 2, important)
    important = np.where((ctype == COM) & (u >= 0.03) & (u < 0.04), 3, important)

    size = np.select([person, pop.capacity < 50, pop.capacity < 315, pop.capacity < 2_000], [0, 1, 2, 3], 4)
    owned = business & (rng.random(n) < params.OWNED_SHARE)
    owner = staff.owners(rng=rng, district=district)
    owner = pc.if_else(pa.array(owned), owner, pa.scalar(None, pa.string()))

    created = pop.created_us
    updated = created + (rng.random(n) * (window.as_of_us - created)).astype(np.int64)
    gone = (status == CLOSED) | (status == SUSPENDED)
    period_us = window.period_days.astype(np.int64) * US_PER_DAY
    changed = period_us[np.minimum(pop.last + 1, window.months)] + rng.integers(0, 20 * US_PER_DAY, size=n)
    updated = np.where(gone, np.clip(changed, created, window.as_of_us), updated)

    return pa.table(
        {
            "id": pop.ids,
            "account_number": codes.numbered(prefix="", values=3_000_000_000 + pop.ids, width=10),
            "name": name,
            "customer_type": _words(params.TYPES, ctype),
            "industry": industry_name,
            "province": take(vocab.provinces, district),
            "city": take(vocab.cities, district),
            "district": take(vocab.districts, district),
            "size": _words(("household", "micro", "small", "medium", "large"), size),
            "company": pc.if_else(pa.array(person), "", name),
            "id_number": id_number,
            "phone": phone,
            "email": email,
            "address": _address(rng, vocab=vocab, district=district, home=person),
            "preferred_channel": _words(_CHANNELS, channel),
            "status": _words(STATUSES, status),
            "credit_grade": _words(_GRADES, grade),
            "important_grade": _words(_IMPORTANT, important),
            "owner": owner,
            "source_channel": _words(_SOURCES, source),
            "contact_form_filled": form,
            "created_at": pa.array(created, type=pa.timestamp("us", tz="UTC")),
            "updated_at": pa.array(updated, type=pa.timestamp("us", tz="UTC")),
        }
    )
