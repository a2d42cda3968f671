"""A locale's words as arrow arrays, so that text columns are built by index (`take`) rather than per row."""

import functools
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pyarrow as pa

from . import names, params, phrases_en, phrases_zh
from .regions import DISTRICTS, District

LOCALES = ("zh_CN", "en")


def take(words: pa.Array, index: np.ndarray) -> pa.Array:
    """Return `words[index]` as a plain string array."""
    return words.take(pa.array(index.astype(np.int32, copy=False)))


def _strings(values: tuple[str, ...] | list[str]) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _weights(values: list[float] | tuple[float, ...]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    return array / array.sum()


@dataclass(frozen=True)
class Phrases:
    """Subjects, each with one or more contents; `pick` chooses a content uniformly for each subject."""

    subjects: pa.Array
    contents: pa.Array
    offsets: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, topics: tuple[tuple[str, tuple[str, ...]], ...]) -> "Phrases":
        """Build from (subject, contents) pairs."""
        counts = np.array([len(contents) for _, contents in topics], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        flat = [content for _, contents in topics for content in contents]
        return cls(_strings([s for s, _ in topics]), _strings(flat), offsets, counts)

    def pick(self, *, topic: np.ndarray, uniform: np.ndarray) -> tuple[pa.Array, pa.Array]:
        """Return the subject of each `topic` and one of its contents chosen by `uniform` in [0, 1)."""
        variant = (uniform * self.counts[topic]).astype(np.int64)
        return take(self.subjects, topic), take(self.contents, self.offsets[topic] + variant)


@dataclass(frozen=True)
class Choice:
    """Words with their probabilities."""

    words: pa.Array
    p: np.ndarray
    extra: pa.Array  # a second word list parallel to `words` (industry of an institution, fragment…)


@dataclass(frozen=True)
class Vocab:
    """Everything locale-specific the generator writes."""

    locale: str
    sep: str  # between the parts of a company name
    surnames: Choice  # extra: romanised handle for e-mail addresses
    given: pa.Array
    given_two_share: float  # zh: share of two-character given names
    email_domains: pa.Array
    provinces: pa.Array  # per district
    cities: pa.Array  # per district
    city_short: pa.Array  # per district, as used in company names
    districts: pa.Array
    region_text: pa.Array  # per district, as written in an address
    streets: pa.Array
    company_words: Choice  # extra: romanised handle
    industries: tuple[Choice, ...]  # per customer type; extra: name fragment
    suffixes: tuple[pa.Array, ...]  # per customer type
    institutions: Choice  # extra: industry
    products: pa.Array
    topics_residential: Phrases
    topics_business: Phrases
    topic_prospect: Phrases
    topic_retention: Phrases
    activity_topics: Phrases  # in params.ACTIVITIES order
    ticket_subjects: Phrases  # one topic per (kind, category) in params order
    surveys: pa.Array
    comments: tuple[pa.Array, pa.Array, pa.Array]  # negative, neutral, positive
    staff_teams: pa.Array


def _by_type(*, locale_zh: bool) -> tuple[tuple[Choice, ...], tuple[pa.Array, ...]]:
    industries = []
    suffixes = []
    for kind in params.TYPES:
        rows = [r for r in names.INDUSTRIES if r[0] == kind]
        if kind == "public_institution":
            rows = [(kind, zh_ind, "", en_ind, "", w) for _, _, zh_ind, en_ind, w in names.INSTITUTIONS]
        if not rows:
            rows = [(kind, "", "", "", "", 1.0)]
        industry = [r[1] if locale_zh else r[3] for r in rows]
        fragment = [r[2] if locale_zh else r[4] for r in rows]
        industries.append(Choice(_strings(industry), _weights([r[5] for r in rows]), _strings(fragment)))
        suffix = [zh if locale_zh else en for k, zh, en in names.COMPANY_SUFFIXES if k == kind]
        suffixes.append(_strings(suffix or [""]))
    return tuple(industries), tuple(suffixes)


def _region_text(district: District, *, zh: bool) -> str:
    if zh:
        province = "" if district.province_zh == district.city_zh else district.province_zh
        return f"{province}{district.city_zh}{district.district_zh}"
    province = "" if district.province_en == district.city_en else f", {district.province_en}"
    return f", {district.district_en}, {district.city_en}{province}"


@functools.cache
def get_vocab(locale: str) -> Vocab:
    """Return the vocabulary of `locale` ("zh_CN" or "en")."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")
    zh = locale == "zh_CN"
    ph: ModuleType = phrases_zh if zh else phrases_en
    if zh:
        surnames = Choice(
            _strings([s for s, _, _ in names.SURNAMES_ZH]),
            _weights([w for _, _, w in names.SURNAMES_ZH]),
            _strings([h for _, h, _ in names.SURNAMES_ZH]),
        )
        given = _strings(names.GIVEN_CHARS_ZH)
    else:
        uniform = _weights([1.0] * len(names.SURNAMES_EN))
        handles = _strings([s.lower() for s in names.SURNAMES_EN])
        surnames = Choice(_strings(names.SURNAMES_EN), uniform, handles)
        given = _strings(names.FIRST_NAMES_EN)
    industries, suffixes = _by_type(locale_zh=zh)
    words = names.COMPANY_WORDS
    inst = names.INSTITUTIONS
    ticket_topics = tuple(
        (category, ph.TICKET_SUBJECTS[(kind, category)])
        for kind, categories in zip(params.TICKET_KINDS, params.TICKET_CATEGORIES, strict=True)
        for category, _ in categories
    )
    return Vocab(
        locale=locale,
        sep="" if zh else " ",
        surnames=surnames,
        given=given,
        given_two_share=0.65 if zh else 0.0,
        email_domains=_strings(names.EMAIL_DOMAINS_ZH if zh else names.EMAIL_DOMAINS_EN),
        provinces=_strings([d.province_zh if zh else d.province_en for d in DISTRICTS]),
        cities=_strings([d.city_zh if zh else d.city_en for d in DISTRICTS]),
        city_short=_strings([d.city_zh.removesuffix("市") if zh else d.city_en for d in DISTRICTS]),
        districts=_strings([d.district_zh if zh else d.district_en for d in DISTRICTS]),
        region_text=_strings([_region_text(d, zh=zh) for d in DISTRICTS]),
        streets=_strings([zh_name if zh else en_name for zh_name, en_name in names.STREETS]),
        company_words=Choice(
            _strings([w if zh else h.capitalize() for w, h in words]),
            _weights([1.0] * len(words)),
            _strings([h for _, h in words]),
        ),
        industries=industries,
        suffixes=suffixes,
        institutions=Choice(
            _strings([r[0] if zh else r[1] for r in inst]),
            _weights([r[4] for r in inst]),
            _strings([r[2] if zh else r[3] for r in inst]),
        ),
        products=_strings([p[0] if zh else p[1] for p in names.PRODUCTS]),
        topics_residential=Phrases.of(ph.TOPICS_RESIDENTIAL),
        topics_business=Phrases.of(ph.TOPICS_BUSINESS),
        topic_prospect=Phrases.of((ph.TOPIC_PROSPECT,)),
        topic_retention=Phrases.of((ph.TOPIC_RETENTION,)),
        activity_topics=Phrases.of(tuple(ph.ACTIVITY_TOPICS[a] for a in params.ACTIVITIES)),
        ticket_subjects=Phrases.of(ticket_topics),
        surveys=_strings(ph.SURVEYS),
        comments=(
            _strings(ph.COMMENTS_NEGATIVE),
            _strings(ph.COMMENTS_NEUTRAL),
            _strings(ph.COMMENTS_POSITIVE),
        ),
        staff_teams=_strings(ph.STAFF_TEAMS),
    )
