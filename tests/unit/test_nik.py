"""The NIK: 16 digits, a province that exists, a birth day (+40 for women) that is a real date
in a plausible century, a serial that is not 0000."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.nik import (
    PROVINCES,
    age_on,
    build_nik,
    clean_nik,
    hide_niks,
    mask_nik,
    nik_in,
    parse_nik,
    redact_niks,
)
from outreach.domain.problems import Invalid

TODAY = date(2026, 11, 27)


def reason(raw, **options) -> str:
    with pytest.raises(Invalid) as refused:
        parse_nik(raw, on=TODAY, **options)
    return str(refused.value)


def test_a_man_born_in_1948_in_selebar():
    info = parse_nik("1771011203480003", on=TODAY)
    assert (info.region_code, info.sex, info.birth_on, info.serial) == (
        "17.71.01",
        "m",
        date(1948, 3, 12),
        "0003",
    )
    assert info.province == "Bengkulu"


def test_a_womans_day_carries_forty():
    info = parse_nik("1771065203480003", on=TODAY)
    assert (info.sex, info.birth_on) == ("f", date(1948, 3, 12))
    assert parse_nik("1771064101500001", on=TODAY).birth_on == date(1950, 1, 1)  # 41 → 1st
    assert parse_nik("1771067112450001", on=TODAY).birth_on == date(1945, 12, 31)  # 71 → 31st


@pytest.mark.parametrize("day", ["00", "32", "35", "40", "72", "80", "81", "91", "99"])
def test_days_outside_both_ranges_are_refused(day):
    assert "01–31 for men, 41–71 for women" in reason(f"177101{day}0348" + "0003")


@pytest.mark.parametrize(
    "raw",
    [
        "1771013102480001",  # 31 February
        "1771017102480001",  # a woman's 31 February
        "1771013104480001",  # 31 April
        "1771012902010001",
    ],  # 29 February 2001 / 1901
)
def test_dates_that_do_not_exist_are_refused(raw):
    assert "not a real date" in reason(raw)


def test_29_february_exists_in_2000_and_1948():
    assert parse_nik("1771012902000001", on=TODAY).birth_on == date(2000, 2, 29)
    assert parse_nik("1771012902480001", on=TODAY).birth_on == date(1948, 2, 29)


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_months_outside_1_to_12_are_refused(month):
    assert "birth month" in reason(f"17710112{month}480001")


def test_serial_0000_is_refused():
    assert "never 0000" in reason("1771011203480000")


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("17", True),
        ("96", True),
        ("65", True),
        ("10", False),
        ("20", False),
        ("54", False),
        ("99", False),
        ("00", False),
    ],
)
def test_the_province_must_exist(code, ok):
    raw = f"{code}71011203480003"
    if ok:
        assert parse_nik(raw, on=TODAY).nik == raw
    else:
        assert f"{code} is none" in reason(raw)


def test_there_are_38_provinces():
    assert len(PROVINCES) == 38


class TestCentury:
    def test_a_student_born_in_2009_is_not_1909(self):
        assert parse_nik("1771011504090001", on=TODAY).birth_on == date(2009, 4, 15)

    def test_someone_born_in_1960_is_1960(self):
        assert parse_nik("1771011504600001", on=TODAY).birth_on == date(1960, 4, 15)

    def test_a_date_later_this_year_is_last_century(self):
        # 25 December '26 has not come yet on 27 November 2026: born 1926.
        assert parse_nik("1771012512260001", on=TODAY).birth_on == date(1926, 12, 25)
        assert parse_nik("1771012511260001", on=TODAY).birth_on == date(2026, 11, 25)

    def test_the_recorded_birth_date_settles_a_centenarian(self):
        assert parse_nik("1771011504250001", on=TODAY).birth_on == date(2025, 4, 15)
        hinted = parse_nik("1771011504250001", on=TODAY, birth_hint=date(1925, 4, 16))
        assert hinted.birth_on == date(1925, 4, 15)  # the day may differ; the century follows
        unrelated = parse_nik("1771011504250001", on=TODAY, birth_hint=date(1950, 1, 1))
        assert unrelated.birth_on == date(2025, 4, 15)


@pytest.mark.parametrize(
    "raw",
    ["1771 0112 0348 0003", "1771.0112.0348.0003", "1771-0112-0348-0003", " 1771011203480003 "],
)
def test_spaces_dots_and_dashes_are_removed(raw):
    assert clean_nik(raw) == "1771011203480003"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("177101120348003", "this one has 15"),
        ("17710112034800031", "this one has 17"),
        ("17710112O3480003", "only digits"),
        ("", "Enter the NIK"),
        (None, "Enter the NIK"),
        ("１７７１０１１２０３４８０００３", "only digits"),
        ("1.77101E+15", "turned into a number"),
        ("1,77101E+15", "turned into a number"),
        (1.7710112034800030e15, "stored as a number"),
        (1771011203480003, "stored as a number"),
    ],
)
def test_bad_shapes_are_explained(raw, words):
    with pytest.raises(Invalid) as refused:
        clean_nik(raw)
    assert words in str(refused.value)


def test_masking_shows_the_region_only():
    # The birth date and sex are on the same pages, so the serial is what must stay hidden.
    assert mask_nik("1771011203480003") == "177101**********"
    assert mask_nik(None) == ""


def test_age():
    assert age_on(date(1948, 3, 12), TODAY) == 78
    assert age_on(date(1948, 11, 28), TODAY) == 77
    assert age_on(date(1948, 11, 27), TODAY) == 78


@given(
    region=st.sampled_from(["17.71.01", "17.71.09", "11.01.01", "96.71.05", "31.74.10"]),
    sex=st.sampled_from(["m", "f"]),
    birth_on=st.dates(min_value=TODAY - timedelta(days=99 * 365), max_value=TODAY),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_a_built_nik_parses_back_to_its_parts(region, sex, birth_on, serial):
    info = parse_nik(build_nik(region, sex, birth_on, serial), on=TODAY)
    assert (info.region_code, info.sex, info.birth_on, int(info.serial)) == (
        region,
        sex,
        birth_on,
        serial,
    )


@given(st.text(max_size=20))
def test_any_text_is_either_a_nik_or_refused_with_a_reason(text):
    try:
        info = parse_nik(text, on=TODAY)
    except Invalid as refused:
        assert refused.message
    else:
        assert len(info.nik) == 16 and info.birth_on <= TODAY


# --- one NIK to every reader: search boxes, the request log, the audit log --------------------

SPELLED = [
    "1771032011360039",
    "1771 0320 1136 0039",
    "17.71.03.201136.0039",
    "1771 - 0320 - 1136 - 0039",  # spaced dashes: three characters between two digits
    "1771–0320–1136–0039",  # en dashes
    "1771—0320—1136—0039",  # em dashes
    "1771_0320_1136_0039",
    "1771+-+0320+-+1136+-+0039",  # a URL's spaces around a dash
    "1771%20-%200320%20-%201136%20-%200039",
    "١٧٧١٠٣٢٠١١٣٦٠٠٣٩",  # Arabic-Indic digits
    "１７７１０３２０１１３６００３９",  # full-width digits
    "1771\u00a00320\u30001136\u20090039",  # no-break, ideographic and thin spaces
]


@pytest.mark.parametrize("spelled", SPELLED)
def test_a_nik_however_spelled_is_one_nik_to_every_reader(spelled):
    text = f"alasan: {spelled} (pindah)"
    assert nik_in(text) == "1771032011360039"
    assert "0039" not in redact_niks(text) and redact_niks(text).startswith("alasan: *")
    assert "0039" not in hide_niks(f"GET /schools?q={spelled} HTTP/1.1")


@pytest.mark.parametrize(
    "kept",
    [
        "2026-08-03 10:00:00,123 INFO plan 2026-09 created 12",
        "visit 123456 moved to 2026-09-14 by user 42",
        "0812-7300-4414, 0813-1234-5678",  # two phone numbers in a list
        "NPSN 10702414, 10702415 dan 10702416 / 10702417",
        "dari 12 Agustus 2026 pukul 08.30",
    ],
)
def test_what_is_no_nik_is_left_as_written(kept):
    assert nik_in(kept) is None and redact_niks(kept) == kept and hide_niks(kept) == kept
