"""Parsing what people type or import: phone numbers, NPSN, numbers, coordinates, e-mail,
and the level and status a school's name implies."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.phone import display_phone, normalise_phone, whatsapp_number
from outreach.domain.problems import Invalid
from outreach.domain.schools import (
    clean_npsn,
    level_from_listing,
    level_from_name,
    status_from_listing,
    status_from_name,
)
from outreach.domain.values import (
    clean_email,
    parse_coordinates,
    parse_decimal,
    parse_whole_number,
)


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812 3456 7890",
        "0812-3456-7890",
        "62812-3456-7890",
        "6281234567890",
        "+62 812-3456-7890",
        "+62 (812) 3456 7890",
        "+62 0812 3456 7890",
        "81234567890",  # a spreadsheet dropped the leading zero
        " 0812.3456.7890 ",
    ],
)
def test_indonesian_mobile_numbers_are_normalised_to_plus_62(raw):
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "0736 21234",  # a Bengkulu landline: no WhatsApp
        "+1 415 555 0100",
        "0812345",  # too short
        "0812345678901234",  # too long
        "0812-abcd-7890",
        "+60 12 345 6789",  # Malaysia
        "٠٨١٢٣٤٥٦٧٨٩٠",  # digits of another script
    ],
)
def test_anything_else_is_refused_with_an_example(raw):
    with pytest.raises(Invalid) as refused:
        normalise_phone(raw)
    assert "0812 3456 7890" in refused.value.message


@given(
    st.sampled_from(["811", "812", "813", "821", "822", "852", "857", "878", "896"]),
    st.integers(min_value=10**5, max_value=10**8 - 1),
)
def test_a_normalised_number_survives_every_way_of_writing_it(prefix, rest):
    national = prefix + str(rest)
    normal = normalise_phone("0" + national)
    assert normal == "+62" + national
    for written in (normal, display_phone(normal), whatsapp_number(normal), "62 " + national):
        assert normalise_phone(written) == normal


def test_phone_display_and_whatsapp_forms():
    assert display_phone("+6281234567890") == "0812-3456-7890"
    assert display_phone(None) == ""
    assert whatsapp_number("+6281234567890") == "6281234567890"


@pytest.mark.parametrize(
    ("raw", "npsn"),
    [
        ("10702414", "10702414"),
        (" 1070 2414 ", "10702414"),
        (10702414, "10702414"),
        (10702414.0, "10702414"),
    ],
)
def test_npsn_is_eight_digits_even_from_a_spreadsheet_number(raw, npsn):
    assert clean_npsn(raw) == npsn


@pytest.mark.parametrize("raw", ["1070241", "107024145", "1070241A", "", None, "１０７０２４１４"])
def test_other_npsn_values_are_refused(raw):
    with pytest.raises(Invalid):
        clean_npsn(raw)


@pytest.mark.parametrize(
    ("raw", "value"), [("0", 0), ("120", 120), (" 45 ", 45), (120.0, 120), (7, 7), ("1.200", 1200)]
)
def test_whole_numbers(raw, value):
    assert parse_whole_number(raw) == value


@pytest.mark.parametrize("raw", ["-1", "1,5", "12.5", "dua", 2.5, True, "10000000"])
def test_not_whole_numbers(raw):
    with pytest.raises(Invalid):
        parse_whole_number(raw)


def test_decimals_accept_a_dot_or_a_comma():
    assert parse_decimal("-3,8452") == parse_decimal("-3.8452") == -3.8452
    with pytest.raises(Invalid):
        parse_decimal("3.84.52")


@pytest.mark.parametrize(
    "raw",
    [
        "-3.8452, 102.3204",
        "-3.8452,102.3204",
        "(-3.8452, 102.3204)",
        "-3.8452; 102.3204",
        "-3.8452 102.3204",
        "-3,8452, 102,3204",
    ],
)
def test_coordinates_pasted_from_a_map_app(raw):
    assert parse_coordinates(raw) == (-3.8452, 102.3204)


def test_swapped_or_impossible_coordinates_are_refused():
    with pytest.raises(Invalid, match="outside Indonesia"):
        parse_coordinates("102.3204, -3.8452")  # the wrong way round
    with pytest.raises(Invalid, match="outside Indonesia"):
        parse_coordinates("48.85, 2.35")  # Paris
    with pytest.raises(Invalid, match="latitude"):
        parse_coordinates("-95, 102")
    with pytest.raises(Invalid):
        parse_coordinates("di depan masjid")


def test_email():
    assert clean_email(" Operator@SMAN3.sch.id ") == "operator@sman3.sch.id"
    for bad in ("operator", "a@b", "a b@c.id", "@sekolah.sch.id"):
        with pytest.raises(Invalid):
            clean_email(bad)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("SMA NEGERI 3 KOTA BENGKULU", "sma"),
        ("SMAN 10 BENGKULU", "sma"),
        ("SMAS BUDI MULIA", "sma"),
        ("SMAIT Al Hasanah", "sma"),
        ("SMA IT IQRA", "sma"),
        ("Sekolah Rakyat Menengah Atas 6 Bengkulu", "sma"),
        ("SMKN 1 Kota Bengkulu", "smk"),
        ("SMKS 17 BUDI MULIA", "smk"),
        ("SMK IT ARSITEK", "smk"),
        ("MAN 2 KOTA BENGKULU", "ma"),
        ("MAS YASURUKA", "ma"),
        ("MA AL-QUR`AN HARSALLAKUM", "ma"),
        ("Madrasah Aliyah Negeri 1", "ma"),
        ("SLB NEGERI 4 KOTA BENGKULU", "slb"),
        ("Kreatif", None),
        ("MANDIRI SCHOOL", None),
    ],
)
def test_level_from_the_name(name, level):
    assert level_from_name(name) == level


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("SMA", "sma"),
        ("sma", "sma"),
        ("SMA (Sekolah Rakyat)", "sma"),
        ("SMK", "smk"),
        ("MA", "ma"),
        ("SLB", "slb"),
        ("SMALB", "slb"),
        ("", None),
        ("SD", None),
        ("other", "other"),
    ],
)
def test_level_from_the_listing_column(cell, level):
    assert level_from_listing(cell) == level


def test_status_from_the_listing_and_the_name():
    assert status_from_listing("NEGERI") == "negeri"
    assert status_from_listing(" swasta ") == "swasta"
    assert status_from_listing("") is None
    with pytest.raises(Invalid):
        status_from_listing("campuran")
    assert status_from_name("SMAN 10 BENGKULU") == "negeri"
    assert status_from_name("SMA NEGERI 3") == "negeri"
    assert status_from_name("SMKS 17 BUDI MULIA") == "swasta"
    assert status_from_name("SMA IT IQRA") is None


def test_a_residents_landline_is_accepted_where_asked_for():
    assert normalise_phone("(0736) 21234", landline=True) == "+6273621234"
    assert normalise_phone("021-5551234", landline=True) == "+62215551234"
    assert normalise_phone("0812 3456 7890", landline=True) == "+6281234567890"
    assert display_phone("+6273621234") == "073621234"
    for bad in ("0736", "12345", "+1 415 555 0100"):
        with pytest.raises(Invalid, match="0736 21234"):
            normalise_phone(bad, landline=True)
