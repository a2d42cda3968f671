"""Cleaning rules one by one: what each changes, what it leaves, and what it reports (masked)."""

import pyarrow as pa
import pytest

from stratacrm.ingest.importer.cleaning import (
    CleaningReport,
    email_clean,
    phone_clean,
    regions_clean,
    text_clean,
)
from stratacrm.ingest.importer.profile import ProfileError, profile_parse


def test_phones_become_one_form_and_non_numbers_are_flagged():
    report = CleaningReport()
    values = pa.array(
        ["１３８ １２３４ ５６７８", "+86 139-0000-1111", "0086 13700001111", "0571-87654321", "12345", ""]
    )
    values = text_clean(values, field_name="phone", report=CleaningReport())
    cleaned, invalid = phone_clean(values, report=report)
    assert cleaned.to_pylist()[:4] == ["13812345678", "13900001111", "13700001111", "057187654321"]
    assert invalid.to_pylist() == [False, False, False, False, True, False]
    assert report.rules["phone: normalised"]["count"] == 4
    assert report.rules["phone: normalised"]["examples"][0] == ["138****5678", "138****5678"]


def test_phone_region_setting_reads_local_numbers_of_that_region(settings):
    settings.STRATA_PHONE_REGION = "HK"
    cleaned, invalid = phone_clean(pa.array(["2345 6789"]), report=CleaningReport())
    assert cleaned.to_pylist() == ["+85223456789"] and invalid.to_pylist() == [False]


def test_emails_are_lower_cased_and_checked():
    cleaned, invalid = email_clean(pa.array(["Zhang@Example.COM", "no-at-sign", ""]), report=CleaningReport())
    assert cleaned.to_pylist() == ["zhang@example.com", "no-at-sign", ""]
    assert invalid.to_pylist() == [False, True, False]


def test_full_width_text_and_whitespace_are_normalised_and_counted():
    report = CleaningReport()
    out = text_clean(pa.array(["  ＡＢＣ　公司  ", "ok"]), field_name="name", report=report)
    assert out.to_pylist() == ["ABC 公司", "ok"]
    assert report.rules["text: full-width and compatibility characters (NFKC)"]["count"] == 1


def test_region_aliases_take_their_full_names_and_missing_parents_are_filled():
    report = CleaningReport()
    cleaned = regions_clean(
        {
            "province": pa.array(["浙江", "", "Guangdong", "火星"]),
            "city": pa.array(["杭州", "宁波市", "", ""]),
            "district": pa.array(["", "", "", ""]),
        },
        report=report,
    )
    assert cleaned["province"].to_pylist() == ["浙江省", "浙江省", "广东省", "火星"]
    assert cleaned["city"].to_pylist() == ["杭州市", "宁波市", "", ""]
    assert report.rules["region: province filled from the city"]["count"] == 1


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"name": "x", "tables": [{"target": "bils", "fields": {}}]}, "did you mean 'bills'"),
        ({"name": "x", "tables": [{"target": "bills", "fields": {"amout": "a"}}]}, "did you mean 'amount'"),
        ({"name": "x", "tables": [{"target": "bills", "fields": {"amount": "a"}}]}, "bills needs customer"),
        ({"name": "X Y", "tables": []}, "name:"),
        (
            {"name": "x", "tables": [{"target": "customers", "fields": {"name": {"colum": "n"}}}]},
            "unknown key 'colum'",
        ),
    ],
)
def test_profile_mistakes_are_refused_with_their_place(profile, message):
    with pytest.raises(ProfileError, match=message):
        profile_parse(profile)
