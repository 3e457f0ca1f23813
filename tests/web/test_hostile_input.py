"""Hostile input: random and adversarial values posted into every form and importer never make
a 500 nor a half-written change; bad files get a reason; HTML typed into any text field is
shown as text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, cast, func, literal, select, update
from wtforms import Form as PlainForm

from outreach.backup import table_rows
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import (
    CoverageSnapshot,
    ImportUpload,
    OfficeClosure,
    Resident,
    School,
    SchoolBlackout,
    Team,
    User,
    utcnow,
)
from outreach.services.coverage.imports import import_coverage
from outreach.services.residents.imports import import_residents
from outreach.services.schools.imports import import_schools
from outreach.services.tables import MAX_COLUMNS, Table
from tests.conftest import PASSWORD, field_errors
from tests.web.world import address, routes

HOSTILE = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE visits; --",
    "\x00",
    "nul\x00in the middle",
    "9" * 400,
    "-1",
    "0",
    "1e309",
    "NaN",
    "2026-02-30",
    "30-02-2026",
    "9999-12-31",
    "０１２３４５６７８９",
    "🙂" * 300,
    '=HYPERLINK("http://x")',
    "+62812",
    "../../etc/passwd",
    "%00",
    "\r\n\r\n",
    "ا" * 50,
    "17.71.01",
    "17.71.01.1001",
    "1771015003480001",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def form_field_names() -> list[str]:
    """Every field name of every form the app defines (all forms derive from WTForms')."""
    import outreach.web  # noqa: F401 - the forms modules are imported with the app

    names: set[str] = set()
    pending = [PlainForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        names.update(name for name, value in vars(cls).items() if hasattr(value, "field_class"))
    return sorted(names - {"csrf_token"})


def kept_rows() -> dict[str, int]:
    """Rows per table, the audit log aside (a refused request may be audited)."""
    db.session.remove()
    return {name: n for name, n in table_rows(db.engine).items() if name != "audit_events"}


@pytest.mark.parametrize("visitor", ["admin", "officer_a", "liaison_x", "anonymous"])
def test_random_values_in_every_form_never_fail_nor_half_write(app, client, world, visitor):
    if visitor != "anonymous":
        user = world["users"][visitor]
        assert (
            client.post(
                "/login", data={"username": user.username, "password": PASSWORD}
            ).status_code
            == 302
        )
    cookie = client.get_cookie("session")
    posts = [
        address(app, world, endpoint)
        for endpoint, method in routes(app)
        if method == "POST" and endpoint not in ("auth.logout", "auth.login")
    ]
    fields = form_field_names()
    assert len(fields) > 40

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(url=st.sampled_from(posts), values=st.fixed_dictionaries({f: VALUES for f in fields}))
    def post(url, values):
        if cookie is not None:
            client.set_cookie("session", cookie.value)
        before = kept_rows()
        response = client.post(url, data=values)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code not in (302, 303):  # refused or shown again: nothing written
            assert kept_rows() == before, url

    post()


CELLS = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=14), min_size=1, max_size=6),
    kind=st.sampled_from(["schools", "residents", "coverage"]),
    template=st.booleans(),
)
def test_importers_take_any_table_all_or_nothing(app, db_session, rows, kind, template):
    importer, headings = {
        "schools": (import_schools, ["npsn", "name", "level", "status", "address", "kecamatan",
                                     "kelurahan", "liaison_name", "liaison_phone",
                                     "liaison_email", "students_pending", "latitude",
                                     "longitude"]),
        "residents": (import_residents, ["nik", "name", "birth_date", "sex", "category",
                                         "disability", "bedridden", "address", "rt", "rw",
                                         "kecamatan", "kelurahan", "phone"]),
        "coverage": (import_coverage, ["as_of", "area", "wajib_ktp", "recorded", "source"]),
    }[kind]  # fmt: skip
    if not template:
        headings = [f"kolom {n}" for n in range(len(headings))]
    width = len(headings)
    table = Table(
        headings=tuple(headings),
        rows=[(n + 2, tuple((row + [""] * width)[:width])) for n, row in enumerate(rows)],
    )
    options = {"now": utcnow(), "actor": "uji", "source": "acak.csv"}
    if kind != "schools":
        options["today"] = office_today()
    before = kept_rows()
    try:
        outcome = importer(db_session, table, **options)
    except Exception as error:  # only the refusals a user is told about
        assert type(error).__name__ in ("Invalid", "DomainError"), repr(error)
        db_session.rollback()
        assert kept_rows() == before
        return
    if outcome.written:
        assert not outcome.preview.counts["invalid"]
        db_session.rollback()
    else:
        db_session.rollback()
        assert kept_rows() == before


# --- files through the upload form -------------------------------------------------------------


@pytest.fixture
def coordinator(world, client):
    user = world["users"]["coordinator"]
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    return user


def upload(client, data: bytes, name: str, area: str = "schools"):
    return client.post(
        f"/{area}/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def uploads(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ImportUpload))


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (210 * 1024 * 1024))
    return out.getvalue()


def wide_csv(columns: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"kolom{i}" for i in range(columns)])
    writer.writerow(["x"] * columns)
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"%PDF-1.7\n%binary\x00\x01", "sekolah.xlsx", "bukan berkas Excel"),
        (b"npsn,name,kecamatan\n10799001,SMA A,Selebar\n", "sekolah.xlsx", "bukan berkas Excel"),
        (zip_bomb(), "bom.xlsx", "terlalu besar setelah dibuka"),
        (wide_csv(10_000), "lebar.csv", f"lebih dari {MAX_COLUMNS} kolom"),
        (b"\x00\x01\x02\x03" * 100, "biner.csv", "bukan CSV maupun XLSX"),
    ],
    ids=["pdf-renamed", "csv-renamed", "zip-bomb", "10000-columns", "binary"],
)
def test_unreadable_files_are_refused_on_the_upload_form_and_kept_nowhere(
    client, coordinator, db_session, data, name, says
):
    kept = uploads(db_session)
    response = upload(client, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:300]
    assert says in page
    assert uploads(db_session) == kept


class TestUploadLimit:
    @pytest.fixture
    def app_config(self):
        return {"MAX_CONTENT_LENGTH": 64 * 1024}

    def test_a_file_over_the_limit_gets_a_friendly_page_and_nothing_is_kept(
        self, client, coordinator, db_session
    ):
        kept = uploads(db_session)
        response = upload(client, b"npsn,name\n" + b"1" * (100 * 1024), "besar.csv")
        assert response.status_code == 413
        assert "melebihi batas unggah" in response.get_data(as_text=True)
        assert uploads(db_session) == kept


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            "\ufeffnpsn,name,kecamatan,liaison_name\r\n"
            '10799001,SMA Sinar Fajar,Selebar,"=HYPERLINK(""http://x"")"\n'
            "10799002,SMA Kebun Tebeng é,Ratu Samban,@SUM(A1)\r",
            "utf8-bom.csv",
        ),
        (
            "npsn;name;kecamatan;liaison_name\r\n"
            '10799001;SMA Sinar Fajar;Selebar;"=HYPERLINK(""http://x"")"\n'
            "10799002;SMA Kebun Tebeng é;Ratu Samban;@SUM(A1)\r",
            "excel-lama.csv",
        ),
    ],
    ids=["utf8-bom-formulas", "windows-1252-semicolons-mixed-line-endings"],
)
def test_formulas_bom_windows_1252_and_mixed_line_endings_import_as_plain_text(
    client, coordinator, db_session, data, name
):
    encoded = data.encode("utf-8" if "bom" in name else "cp1252")
    response = upload(client, encoded, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert "SMA Sinar Fajar" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.post(response.headers["Location"], data={}).status_code == 302
    db_session.expire_all()
    found = {s.npsn: s for s in db_session.scalars(select(School).where(School.npsn > "10799"))}
    assert found["10799002"].name == "SMA Kebun Tebeng é"
    # What a spreadsheet would run as a formula is kept as the text it is …
    assert found["10799001"].liaison_name == '=HYPERLINK("http://x")'
    assert found["10799002"].liaison_name == "@SUM(A1)"
    # … and never handed back to a spreadsheet as a formula.
    template = client.get("/schools/import/template.csv?filled=1").get_data(as_text=True)
    assert "'=HYPERLINK(" in template and "'@SUM(A1)" in template


# --- HTML and script typed into text fields ------------------------------------------------------

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_html_in_every_text_field_is_shown_as_text_on_every_page(app, client, world, db_session):
    for model, columns in (
        (School, ("name", "address", "liaison_name")),
        (Team, ("name",)),
        (User, ("name",)),
        (Resident, ("name", "address", "contact_name")),
        (OfficeClosure, ("name",)),
        (SchoolBlackout, ("reason",)),
        (CoverageSnapshot, ("source",)),
    ):
        marked = literal(PAYLOAD) + cast(model.id, String)  # unique where names must be
        db_session.execute(update(model).values(dict.fromkeys(columns, marked)))
    db_session.commit()
    leaks = []
    for visitor in ("admin", "officer_a", "liaison_x"):
        user = world["users"][visitor]
        client.post("/logout")
        client.post("/login", data={"username": user.username, "password": PASSWORD})
        for endpoint, method in routes(app):
            if method != "GET" or endpoint in ("bootstrap.static",):
                continue
            response = client.get(address(app, world, endpoint))
            if response.mimetype == "text/html" and "<script>alert" in response.get_data(
                as_text=True
            ):
                leaks.append(f"{visitor} {endpoint}")
    assert not leaks, leaks
    page = client.get(f"/visits/{world['args']['visit_id']}").get_data(as_text=True)
    assert "&lt;script&gt;alert" in page  # shown, as text


def test_a_number_of_four_hundred_digits_is_refused_with_a_message(
    client, db_session, make_user, make_school, login
):
    """Found by the random posts above: WTForms' own range check failed with an OverflowError."""
    from outreach.models import Role
    from tests.services.visit_helpers import add_visit

    officer = make_user(Role.OFFICER)
    visit = add_visit(db_session, school=make_school(), team=officer.team, on=office_today())
    db_session.commit()
    login(officer)
    response = client.post(
        f"/visits/{visit.id}/outcome", data={"recorded": "9" * 400, "not_recorded": "-1"}
    )
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors.count("Isi angka dari 0 sampai 10000.") == 2, errors
