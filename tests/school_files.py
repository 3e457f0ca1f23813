"""Real school files for import tests: the city's list from the Kemendikdasmen listing (the
copy the package ships, outreach/data/sekolah_kota_bengkulu.csv), written the ways offices
save it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

REAL_LIST = Path(__file__).resolve().parents[1] / "outreach" / "data" / "sekolah_kota_bengkulu.csv"
LISTING_HEADINGS = [
    "NPSN",
    "Nama Satuan Pendidikan",
    "Alamat",
    "Kelurahan",
    "Kecamatan",
    "Status",
    "Bentuk/Jenjang",
]


def real_rows() -> list[dict[str, str]]:
    with REAL_LIST.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def listing_rows() -> list[list[str]]:
    """The real list with the listing's headings and spellings: upper-case status, the
    kecamatan named in the village column where the village is unknown, "Muara Bangkahulu"."""
    return [
        [
            row["npsn"],
            row["name"],
            row["address"],
            row["kelurahan"] or f"Kec. {row['kecamatan']}",
            row["kecamatan"],
            row["status"].upper(),
            row["bentuk"],
        ]
        for row in real_rows()
    ]


def csv_file(headings, rows, *, encoding="utf-8-sig", delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(headings, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(
            [int(cell) if i == 0 and cell.isdigit() else cell for i, cell in enumerate(row)]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def listing_csv(**options) -> bytes:
    return csv_file(LISTING_HEADINGS, listing_rows(), **options)


def listing_xlsx() -> bytes:
    """NPSNs as numbers, as Excel keeps them once someone has typed into the sheet."""
    return xlsx_file(LISTING_HEADINGS, listing_rows())


BAD_ROWS = [
    ["1070241", "SMA NPSN PENDEK", "Jl. A", "Pagar Dewa", "Selebar", "NEGERI", "SMA"],
    ["10799001", "SMA KELURAHAN ASING", "Jl. B", "Kebun Raja", "Selebar", "SWASTA", "SMA"],
    ["10799002", "SMK KEMBAR", "Jl. C", "Sawah Lebar", "Ratu Agung", "SWASTA", "SMK"],
    ["10799002", "SMK KEMBAR JUGA", "Jl. D", "Sawah Lebar", "Ratu Agung", "SWASTA", "SMK"],
]


def listing_with_bad_rows() -> bytes:
    """Two good rows of the real list, then a bad NPSN (row 4), an unknown kelurahan (row 5)
    and an NPSN twice (rows 6 and 7)."""
    return csv_file(LISTING_HEADINGS, listing_rows()[:2] + BAD_ROWS)


def template_row(**cells) -> list[str]:
    """A row of the project's template with only the named cells filled."""
    from outreach.services.schools.imports import TEMPLATE_HEADINGS

    unknown = set(cells) - set(TEMPLATE_HEADINGS)
    assert not unknown, unknown
    return [str(cells.get(heading, "")) for heading in TEMPLATE_HEADINGS]


RESIDENT_HEADINGS = [
    "NIK",
    "Nama",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Kategori",
    "Jenis Disabilitas",
    "Tirah Baring",
    "Alamat",
    "RT",
    "RW",
    "Kecamatan",
    "Kelurahan",
    "Telepon",
    "Nama Kontak",
    "Hubungan",
    "Permintaan Melalui",
    "Tanggal Permintaan",
]
RESIDENT_ROWS = [
    [
        "1771015203480003",
        "Siti Aminah",
        "12-03-1948",
        "P",
        "Lansia",
        "",
        "ya",
        "Jl. Merpati No. 5",
        "7",
        "2",
        "Selebar",
        "Pagar Dewa",
        "0812 7300 1111",
        "Rina",
        "anak",
        "telepon",
        "02-11-2026",
    ],
    [
        "1771061708450002",
        "Bahrun Yusuf",
        "17-08-1945",
        "L",
        "both",
        "fisik",
        "tidak",
        "Jl. Merapi No. 12",
        "12",
        "3",
        "Ratu Agung",
        "Kebun Tebeng",
        "(0736) 21234",
        "",
        "",
        "RT/RW",
        "15-10-2026",
    ],
    [
        "1771094106900001",
        "Maya Lestari",
        "01-06-1990",
        "P",
        "disabilitas",
        "netra",
        "tidak",
        "Jl. Zainul Arifin No. 3",
        "",
        "",
        "Singaran Pati",
        "Timur Indah",
        "",
        "Desi",
        "saudara",
        "wa",
        "20-11-2026",
    ],
]


def residents_csv(rows=None) -> bytes:
    return csv_file(RESIDENT_HEADINGS, RESIDENT_ROWS if rows is None else rows)


def resident_row(
    nik: str, name: str, address: str, *, sex: str = "", category="lansia", kelurahan="Pagar Dewa"
) -> list[str]:
    """A row under RESIDENT_HEADINGS with only the cells a minimal request needs."""
    cells = dict.fromkeys(RESIDENT_HEADINGS, "")
    cells.update(
        {
            "NIK": nik,
            "Nama": name,
            "Jenis Kelamin": sex,
            "Kategori": category,
            "Alamat": address,
            "Kelurahan": kelurahan,
        }
    )
    return list(cells.values())
