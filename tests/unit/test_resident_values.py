"""Cells of a resident import as offices write them: sex, category, disability, yes/no,
channel, RT/RW and dates."""

from datetime import date, datetime

import pytest

from outreach.domain.problems import Invalid
from outreach.domain.residents import (
    parse_category,
    parse_channel,
    parse_disability,
    parse_rt_rw,
    parse_sex,
    parse_yes_no,
)
from outreach.domain.values import parse_date


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("L", "m"),
        ("laki-laki", "m"),
        ("Pria", "m"),
        ("P", "f"),
        ("PEREMPUAN", "f"),
        ("wanita", "f"),
    ],
)
def test_sex(raw, sex):
    assert parse_sex(raw) == sex


@pytest.mark.parametrize(
    ("raw", "category"),
    [
        ("lansia", "lansia"),
        ("Lanjut Usia", "lansia"),
        ("Disabilitas", "disabilitas"),
        ("difabel", "disabilitas"),
        ("both", "both"),
        ("Lansia & Disabilitas", "both"),
    ],
)
def test_category(raw, category):
    assert parse_category(raw) == category


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("Fisik", "physical"),
        ("tuna netra", "visual"),
        ("Rungu/Wicara", "hearing_speech"),
        ("intelektual", "intellectual"),
        ("Psikososial", "mental"),
        ("ganda", "multiple"),
    ],
)
def test_disability(raw, kind):
    assert parse_disability(raw) == kind


@pytest.mark.parametrize(
    "raw",
    ["-", "", " — ", "belum diketahui", " Belum  Diketahui ", "TIDAK DIKETAHUI", "unknown",
     "Not known", "not known yet", "?"],
)  # fmt: skip
def test_a_kind_not_known_yet_is_none(raw):
    assert parse_disability(raw) is None


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("Disabilitas Fisik", "physical"), ("penyandang disabilitas netra", "visual"),
     ("Disabilitas Sensorik Rungu", "hearing_speech")],
)  # fmt: skip
def test_a_kind_after_the_word_for_disability(raw, kind):
    assert parse_disability(raw) == kind


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("ya", True),
        ("Y", True),
        ("1", True),
        (1, True),
        ("tidak", False),
        ("0", False),
        ("T", False),
    ],
)
def test_yes_no(raw, value):
    assert parse_yes_no(raw) is value


@pytest.mark.parametrize(
    ("raw", "channel"),
    [
        ("Telepon", "phone"),
        ("WA", "whatsapp"),
        ("RT/RW", "rt_rw"),
        ("Kelurahan", "kelurahan"),
        ("datang langsung", "walk_in"),
        ("lainnya", "other"),
    ],
)
def test_channel(raw, channel):
    assert parse_channel(raw) == channel


@pytest.mark.parametrize(
    ("parser", "raw"),
    [
        (parse_sex, "X"),
        (parse_category, "anak"),
        (parse_disability, "flu"),
        (parse_yes_no, "mungkin"),
        (parse_channel, "surat kabar"),
    ],
)
def test_unknown_words_are_refused_with_the_words_that_work(parser, raw):
    with pytest.raises(Invalid):
        parser(raw)


@pytest.mark.parametrize(
    ("raw", "value"), [("7", "007"), ("07", "007"), ("012", "012"), (3, "003")]
)
def test_rt_rw(raw, value):
    assert parse_rt_rw(raw) == value


@pytest.mark.parametrize("raw", ["0", "1234", "tujuh", "-1"])
def test_bad_rt_rw(raw):
    with pytest.raises(Invalid):
        parse_rt_rw(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "1948-03-12",
        "12-03-1948",
        "12/03/1948",
        "12.3.1948",
        "12 Maret 1948",
        "12 Mar 1948",
        "12 march 1948",
        date(1948, 3, 12),
        datetime(1948, 3, 12, 0, 0),
    ],
)
def test_dates_day_first(raw):
    assert parse_date(raw) == date(1948, 3, 12)


@pytest.mark.parametrize("raw", ["31-02-1948", "1948/03/12", "Maret 1948", "kemarin", "12-13-1948"])
def test_bad_dates(raw):
    with pytest.raises(Invalid):
        parse_date(raw)
