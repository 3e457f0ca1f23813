"""Hostile input: random and adversarial values posted into every form and importer never make
a 500 nor a half-written change; bad files get a reason; HTML typed into any text field is
shown as text."""

from __future__ import annotations

import csv
import enum
import io
import json
import re
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import JSON, String, cast, func, literal, select, update
from werkzeug.datastructures import MultiDict
from wtforms import Form as PlainForm

from outreach.backup import table_rows
from outreach.domain.nik import build_nik
from outreach.domain.text import UNWANTED
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
    Visit,
    utcnow,
)
from outreach.services.coverage.imports import import_coverage
from outreach.services.residents.imports import import_residents
from outreach.services.schools.imports import import_schools
from outreach.services.tables import MAX_COLUMNS, Table
from tests.conftest import PASSWORD, field_errors, hidden_value
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays
from tests.web.world import TAKES_AWAY, address, routes

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
    "Rina\u202eirasS\u202c",
    "\u200bSMA\u2060 1\ufeff",
    "Ujian\x1b[31m\x7f\x85\u2028akhir",
    "\U000e0041\ufffe",
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
def test_random_values_in_every_form_never_fail_nor_half_write(
    app, client, world, db_session, visitor
):
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
    assert not unwanted_stored(db_session)


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
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "SMA Sinar Fajar" in preview
    seen = {"seen": hidden_value(preview, "seen")}  # the preview confirmed
    assert client.post(response.headers["Location"], data=seen).status_code == 302
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


# --- characters that are not text, in every field of every form as its page shows it ----------

# What a user never means to store (docs/SECURITY.md, "Text is text"): control characters,
# direction overrides, zero-width and other invisible format characters, line separators.
INVISIBLE = [
    "\x01", "\x07", "\x08", "\x1b", "\x1f", "\x7f", "\x85", "\x9b",
    "\u202e", "\u202a", "\u202c", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c",
    "\u200b", "\u2060", "\ufeff", "\u00ad", "\U000e0041", "\u3164", "\ufffe",
    "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\t",
]  # fmt: skip


def woven(draw, base: str, nul: bool) -> str:
    """``base`` with invisible characters (and a NUL when ``nul``) put in at drawn places."""
    text = base
    extra = draw(st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=5))
    for piece in extra + (["\x00"] if nul else []):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + piece + text[at:]
    return text


class PageForms(HTMLParser):
    """The POST forms of a page as a browser would send them untouched: each input's value,
    the checked boxes, the selected (or first) option, the first named submit button."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.forms, self.current, self.select, self.textarea = url, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.current = {"action": a.get("action") or self.url, "fields": [], "text": set(),
                            "submit": None, "file": False, "radios": {}}  # fmt: skip
            self.forms.append(self.current)
        if self.current is None or not a.get("name") and tag != "option":
            return
        form, name = self.current, a.get("name", "")
        kind = a.get("type", "text").lower()
        if tag == "input" and kind == "file":
            form["file"] = True
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                form["fields"].append((name, a.get("value", "on")))
            elif kind == "radio":
                form["radios"].setdefault(name, a.get("value", ""))
        elif tag in ("input", "button") and kind == "submit":
            form["submit"] = form["submit"] or (name, a.get("value", ""))
        elif tag == "input" and kind != "button":
            form["fields"].append((name, a.get("value", "")))
            if kind in ("text", "email", "tel", "search"):
                form["text"].add(name)
        elif tag == "select":
            self.select = [name, None, None]  # name, selected, first non-empty
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if "selected" in a and self.select[1] is None:
                self.select[1] = value
            if value and self.select[2] is None:
                self.select[2] = value
        elif tag == "textarea":
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "select" and self.select is not None:
            name, selected, first = self.select
            self.current["fields"].append((name, selected or first or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current["fields"].append(tuple(self.textarea))
            self.current["text"].add(self.textarea[0])
            self.textarea = None
        elif tag == "form":
            self.current = None


def posted_forms(url: str, html: str) -> list[dict]:
    parser = PageForms(url)
    parser.feed(html)
    return [form for form in parser.forms if not form["file"]]


# What an empty field of a new record is given before characters are woven into it.
TYPED = {
    "name": "Rina Sari", "liaison_name": "Bu Rina", "contact_name": "Hasan", "username": "uji",
    "contact_relation": "anak", "address": "Jl. Merpati No. 7\nRT 007", "reason": "Ujian",
    "notes": "Catatan", "correction": "Salah ketik", "source": "Dinas", "q": "Rina",
    "npsn": "10799123", "phone": "0812 3456 7890", "liaison_phone": "0812 3456 7891",
    "email": "uji@example.go.id", "liaison_email": "op@sekolah.sch.id",
    "coordinates": "-3.80, 102.27", "wajib_ktp": "1000", "recorded": "900", "rt": "007",
    "rw": "002", "students_pending": "10", "school_visits_per_day": "2",
    "home_visits_per_day": "3", "students_expected": "30", "not_recorded": "0",
    "start": "-3.80, 102.27",
}  # fmt: skip
NOT_WOVEN = {"csrf_token", "version", "next", "key", "month", "status", "sort", "dir"}


def filled(form: dict, draw, *, nul: bool, serial: int) -> list[tuple[str, str]]:
    """The form's data as shown, every empty field given a typed value (a new NIK, a new NPSN,
    a day ahead …), every text field's value with invisible characters woven in, and a NUL in
    the first when ``nul``."""
    data, woven_fields = [], 0
    chosen = {name for name, _value in form["fields"]}
    radios = [(name, value) for name, value in form["radios"].items() if name not in chosen]
    for name, value in form["fields"] + radios:
        key = name.split("-")[-1]  # without the form's prefix
        if key in ("password", "confirm", "current_password"):
            value = PASSWORD
        elif not value.strip():
            value = typed(key, serial)
        if name in form["text"] and key not in NOT_WOVEN:
            value = woven(draw, value, nul and woven_fields == 0)
            woven_fields += 1
        data.append((name, value))
    if form["submit"] and form["submit"][0]:
        data.append(form["submit"])
    return data


def typed(key: str, serial: int) -> str:
    """What a person would type into an empty field (nothing, for one the walk does not know)."""
    if key == "nik":
        return build_nik("17.71.01", "f", date(1950, 1, 1), 5000 + serial)
    if key in ("npsn", "username"):
        return f"{TYPED[key][:-3]}{serial:03d}"
    if key == "birth_on":
        return "1950-01-01"
    if key.endswith("_on") or key == "other_day":
        return (office_today() + timedelta(days=45)).isoformat()
    return TYPED.get(key, "")


def unwanted_stored(session) -> list[str]:
    """Every stored text that holds a character clean text never holds (a line break or tab
    outside the address, which alone keeps lines), as table.column: value."""
    found = []
    session.expire_all()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None or isinstance(value, enum.Enum):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                lines_kept = column.name == "address"
                if UNWANTED.search(text) or (not lines_kept and re.search("[\n\t]", text)):
                    found.append(f"{table.name}.{column.name}: {text!r}"[:200])
    return found


def forms_seen_by(app, client, world, visitor: str, login: str | None, extra: list) -> list[dict]:
    """The POST forms of every page ``visitor`` sees (logged in as ``login`` through the form;
    the liaison link's page alone for "link", its decline first), and of the ``extra`` pages;
    those that take something away last."""
    client.post("/logout")
    urls = list(extra)
    if login is not None:
        client.post("/login", data={"username": login, "password": PASSWORD})
        urls += [address(app, world, e) for e, method in routes(app) if method == "GET"]
    forms = []
    for url in urls:
        with client.get(url) as response:
            if response.status_code == 200 and response.mimetype == "text/html":
                forms += posted_forms(url, response.get_data(as_text=True))
    forms = [f for f in forms if not f["action"].startswith(("/logout", "/login", "/language"))]
    if visitor == "link":
        forms.reverse()  # decline, ask for another day, confirm: one answer each
    return sorted(forms, key=lambda form: any(word in form["action"] for word in TAKES_AWAY))


def visits_to_answer(db_session, world, make_school, make_resident) -> dict[str, list[str]]:
    """The pages beyond the walked routes where each visitor answers: the officer's school
    and home visits of today (their outcome forms), the other school's visit for its liaison
    (the walk names the first school's), the link's page."""
    team = db_session.get(Team, world["team_a"])
    today = office_today()
    school_visit = add_visit(db_session, school=make_school(), team=team, on=today)
    home_visit = add_visit(db_session, resident=make_resident(), team=team, on=today)
    other = db_session.scalar(
        select(Visit.id).where(Visit.school_id.is_not(None), Visit.id != world["args"]["visit_id"])
    )
    return {
        "link": [f"/l/{world['tokens']['liaison']}"],
        "liaison_y": [f"/visits/{other}"],
        "officer_a": [
            f"/visits/{visit.id}{page}"
            for visit in (school_visit, home_visit)
            for page in ("", "/outcome")
        ],
    }


def send_woven(client, db_session, form: dict, serial, seen: dict) -> None:
    """Post ``form`` a few times with drawn characters woven in (see ``filled``)."""

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data(), nul=st.booleans())
    def post(data, nul):
        values = filled(form, data.draw, nul=nul, serial=next(serial))
        before = kept_rows()
        response = client.post(form["action"], data=MultiDict(values))
        page = response.get_data(as_text=True)
        assert response.status_code < 500, (form["action"], page[:300])
        if any("\x00" in value for _name, value in values):
            assert kept_rows() == before, form["action"]
            if response.status_code in (302, 303):  # refused, said on the page it goes back to
                page = client.get(response.headers["Location"]).get_data(as_text=True)
            if "karakter tersembunyi" in page:
                seen["refused"].add(form["action"])
        elif response.status_code in (302, 303):
            seen["accepted"].add(form["action"])
        assert not unwanted_stored(db_session), form["action"]

    post()


def test_invisible_characters_typed_into_every_form_are_never_stored_and_exports_still_work(
    app, client, world, db_session, make_school, make_resident
):
    """Each POST form of every page each visitor sees (the liaison link's too), sent as shown
    with invisible characters woven into every text field: never a 500; what is stored holds
    none of them; a NUL is refused saying so, nothing written. Then every export and every page
    still answers."""
    seen, serial = {"accepted": set(), "refused": set()}, iter(range(1, 1000))
    extra = visits_to_answer(db_session, world, make_school, make_resident)
    usernames = {visitor: user.username for visitor, user in world["users"].items()}
    for visitor in ("link", "liaison_y", "officer_a", "coordinator", "admin"):
        login = usernames.get(visitor)
        for form in forms_seen_by(app, client, world, visitor, login, extra.get(visitor, [])):
            send_woven(client, db_session, form, serial, seen)
    assert len(seen["accepted"]) >= 25, sorted(seen["accepted"])
    assert len(seen["refused"]) >= 15, sorted(seen["refused"])

    client.post("/logout")
    client.post("/login", data={"username": usernames["coordinator"], "password": PASSWORD})
    month = next_month_weekdays()[0].strftime("%Y-%m")
    for extension in ("csv", "xlsx"):
        response = client.get(f"/visits/export.{extension}?month={month}")
        assert response.status_code == 200, extension
    load_workbook(io.BytesIO(response.data), read_only=True).close()
    for endpoint, method in routes(app):
        if method == "GET":
            with client.get(address(app, world, endpoint)) as response:
                assert response.status_code < 500, endpoint
                if "attachment" in response.headers.get("Content-Disposition", ""):
                    assert response.status_code == 200, endpoint


@pytest.mark.parametrize("value", ["%00", "a%00b", "%E2%80%AE", "%ED%A0%80", "%1B%5B31m"])
def test_a_control_or_invisible_character_in_any_path_is_never_a_500(
    app, client, world, db_session, value
):
    """A token, a name or an id of any route's path with a NUL (PostgreSQL refused it with a
    500: the upload token of an import preview), a direction override, a broken surrogate."""
    user = world["users"]["coordinator"]
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    failed = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        url = re.sub(r"<[^>]+>", value, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            with getattr(client, method.lower())(url) as response:
                if response.status_code >= 500:
                    failed.append(f"{method} {url}")
    assert not failed, failed
    assert not unwanted_stored(db_session)  # the refusals' audit rows name the path cleaned


def test_a_login_with_hidden_characters_is_refused_and_audited_clean(client, db_session):
    statuses = set()
    for username in ["adm\x00in", *["adm\u202ein\x1b"] * 8]:  # past the limit: audited
        response = client.post("/login", data={"username": username, "password": "x\x00"})
        statuses.add(response.status_code)
    assert 429 in statuses and max(statuses) == 429
    assert not unwanted_stored(db_session)


# --- the same characters in import cells ---------------------------------------------------------

NOT_SPACING = [c for c in INVISIBLE if not c.isspace() and c not in "\r\n\x0b\x0c\x85"]


def valid_rows(kind: str, count: int) -> tuple[list[str], list[list[str]]]:
    """Rows each importer takes as they are."""
    if kind == "schools":
        rows = [{"npsn": f"10798{n:03d}", "name": f"SMA Uji {n}", "kecamatan": "Selebar",
                 "address": f"Jl. Uji {n}", "liaison_name": "Bu Rina",
                 "liaison_email": "op@sekolah.sch.id", "liaison_phone": "0812 3456 7890"}
                for n in range(count)]  # fmt: skip
    elif kind == "residents":
        rows = [{"nik": build_nik("17.71.01", "m", date(1950, 2, 3), 7000 + n),
                 "name": f"Warga {n}", "category": "disabilitas", "disability": "Netra",
                 "address": "Jl. Merpati", "kelurahan": "17.71.01.1001",
                 "contact_name": "Hasan"} for n in range(count)]  # fmt: skip
    else:
        rows = [{"as_of": f"2025-0{n + 1}-28", "area": "", "wajib_ktp": "1000",
                 "recorded": "900", "source": "Dinas"} for n in range(count)]  # fmt: skip
    headings = list(rows[0])
    return headings, [[row[h] for h in headings] for row in rows]


IMPORTERS = {"schools": import_schools, "residents": import_residents, "coverage": import_coverage}


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(sorted(IMPORTERS)), data=st.data(), nul=st.booleans())
def test_invisible_characters_in_import_cells_are_taken_out_and_a_nul_refuses_its_row(
    app, db_session, kind, data, nul
):
    headings, rows = valid_rows(kind, data.draw(st.integers(1, 3)))
    for row in rows:
        for at, cell in enumerate(row):
            extra = data.draw(st.lists(st.sampled_from(NOT_SPACING), max_size=3))
            for piece in extra:
                where = data.draw(st.integers(0, len(cell)))
                cell = cell[:where] + piece + cell[where:]
            row[at] = cell
    nul_at = data.draw(st.integers(0, len(headings) - 1))
    if nul:
        rows[0][nul_at] += "\x00"
    table = Table(headings=tuple(headings), rows=[(n + 2, tuple(r)) for n, r in enumerate(rows)])
    options = {"now": utcnow(), "actor": "uji", "source": "tanda\u202e.csv"}
    if kind != "schools":
        options["today"] = office_today()
    before = kept_rows()
    outcome = IMPORTERS[kind](db_session, table, **options)
    try:
        if nul:
            assert not outcome.written and kept_rows() == before
            problems = outcome.preview.rows[0].problems
            assert (headings[nul_at], "Sel ini memuat karakter yang bukan teks") in [
                (column, str(reason)[:39]) for column, reason in problems
            ], problems
        else:
            assert outcome.written, [row.problems for row in outcome.preview.rows]
            db_session.flush()
            assert not unwanted_stored(db_session)
    finally:
        db_session.rollback()


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_day_outside_the_years_the_app_knows_is_refused_and_stored_nowhere(
    app, client, coordinator, world, db_session, day
):
    """A day no one means (a rule that looks a day past 9999-12-31 overflowed: a 500), on
    every form with days: refused on its field, nothing written."""
    dated = {
        "schools.add_school_blackout": {"first_on": day, "last_on": day, "reason": "Ujian"},
        "schools.all_blackouts": {"first_on": day, "last_on": day, "reason": "Ujian"},
        "closures.add": {"first_on": day, "last_on": day, "name": "Rapat"},
    }
    before = kept_rows()
    for endpoint, data in dated.items():
        response = client.post(address(app, world, endpoint), data=data)
        assert response.status_code == 422, endpoint
        assert "2000" in response.get_data(as_text=True) and "2100" in response.get_data(
            as_text=True
        ), endpoint
    db_session.expire_all()
    assert kept_rows() == before


@pytest.mark.parametrize("team", ["²", "١", "٣", "1²", "⁹"])
def test_a_team_in_digits_of_another_kind_is_no_team(app, client, coordinator, world, team):
    """str.isdigit() takes '²' and int() does not: a team chosen must be ASCII digits."""
    visit = address(app, world, "visits.reassign")
    assert client.post(visit, data={"reassign-team": team}).status_code < 500
    bulk = client.post(
        "/visits",
        data={"action": "reassign", "team": team, "ids": f"{world['args']['visit_id']}:1"},
    )
    assert bulk.status_code < 500
