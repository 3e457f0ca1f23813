"""Finding kecamatan and kelurahan by code or by the names real files use."""

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.problems import Invalid
from outreach.domain.regions import Region, RegionIndex, names_a_kecamatan, region_key

WILAYAH = Path(__file__).resolve().parents[2] / "outreach" / "data" / "wilayah.csv"


@pytest.fixture(scope="module")
def regions() -> RegionIndex:
    with WILAYAH.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return RegionIndex(
        [Region(r["code"], r["name"]) for r in rows if r["level"] == "kecamatan"],
        [Region(r["code"], r["name"], r["parent_code"]) for r in rows if r["level"] == "kelurahan"],
    )


@pytest.mark.parametrize(
    "written",
    [
        "Muara Bangka Hulu",
        "Muara Bangkahulu",
        "MUARA BANGKAHULU",
        "Kec. Muara Bangkahulu",
        "kecamatan muara bangka hulu",
        "  Muara  Bangka-Hulu ",
        "17.71.04",
    ],
)
def test_kecamatan_by_name_variant_or_code(regions, written):
    assert regions.find_kecamatan(written).code == "17.71.04"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Kebun Gerand", "17.71.07.1008"),
        ("Kel. Kebun Geran", "17.71.07.1008"),
        ("Bumi Ayu", "17.71.01.1004"),
        ("PAGAR DEWA", "17.71.01.1001"),
        ("17.71.01.1001", "17.71.01.1001"),
    ],
)
def test_kelurahan_by_name_variant_or_code(regions, written, code):
    assert regions.find_kelurahan(written).code == code


def test_a_kelurahan_must_belong_to_the_kecamatan_given(regions):
    selebar = regions.find_kecamatan("Selebar")
    assert regions.find_kelurahan("Pagar Dewa", selebar).code == "17.71.01.1001"
    with pytest.raises(Invalid) as refused:
        regions.find_kelurahan("Sawah Lebar", selebar)
    assert refused.value.params == {"kelurahan": "Sawah Lebar", "kecamatan": "Selebar"}


def test_an_unknown_name_suggests_the_closest(regions):
    with pytest.raises(Invalid) as refused:
        regions.find_kelurahan("Pagar Dewo", regions.find_kecamatan("Selebar"))
    assert refused.value.params["hint"] == " (Pagar Dewa?)"
    with pytest.raises(Invalid):
        regions.find_kecamatan("Gotham")
    with pytest.raises(Invalid, match="17.71.99"):
        regions.find_kecamatan("17.71.99")


def test_the_same_name_in_two_kecamatan_needs_the_kecamatan():
    index = RegionIndex(
        [Region("11.01.01", "Satu"), Region("11.01.02", "Dua")],
        [
            Region("11.01.01.2001", "Sukamaju", "11.01.01"),
            Region("11.01.02.2001", "Suka Maju", "11.01.02"),
        ],
    )
    with pytest.raises(Invalid, match="Several kelurahan"):
        index.find_kelurahan("Sukamaju")
    assert index.find_kelurahan("Sukamaju", index.find_kecamatan("Dua")).code == "11.01.02.2001"


def test_a_kecamatan_written_where_the_kelurahan_belongs_is_recognised():
    assert names_a_kecamatan("Kec. Selebar")
    assert names_a_kecamatan("KECAMATAN RATU AGUNG")
    assert not names_a_kecamatan("Kebun Kenanga")


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=30))
def test_region_keys_ignore_case_and_spacing(name):
    assert region_key(name) == region_key(name.upper()) == region_key(name.replace(" ", ""))
