"""No query string gives a 500: every GET route, asked as each kind of user, with hostile values
in every parameter its view reads — other scripts' digits, huge and negative numbers, days at
the edge of what a date holds, impossible months, NUL, very long text. And no number in a path
reaches the database unless it can name a row.

The parameters each view reads are listed in READS; the requests are made with ``request.args``
wrapped so that reading one not listed fails the test (a new parameter cannot be forgotten).
"""

from __future__ import annotations

import contextvars
import re
from datetime import date
from functools import cached_property
from urllib.parse import quote

import pytest
from flask import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from tests.conftest import PASSWORD
from tests.web.world import address, routes

ROLES = ("coordinator", "admin", "officer_a", "liaison_x", "anonymous")

RESIDENT_FILTERS = ("q", "status", "category", "kecamatan", "kelurahan", "waited")
# endpoint → the query parameters its view (or its template) reads.
READS: dict[str, tuple[str, ...]] = {
    "admin.audit_log": (
        *("who", "action", "record", "record_id", "first_on", "last_on", "before", "after"),
    ),
    "auth.login": ("next",),
    "closures.index": ("year",),
    "coverage.index": ("area", "page"),
    "coverage.import_template": ("filled",),
    "main.kelurahan_options": ("kecamatan",),
    "plan.index": ("month",),
    "plan.home": ("start", "days"),
    "reports.index": ("month",),
    "reports.export": ("month",),
    "residents.index": (*RESIDENT_FILTERS, "page"),
    "residents.export": RESIDENT_FILTERS,
    "residents.import_template": ("filled",),
    "schools.index": ("q", "kecamatan", "level", "status", "active", "sort", "dir", "page"),
    "schools.all_blackouts": ("past",),
    "schools.import_template": ("filled",),
    "visits.index": (
        *("month", "day", "status", "team", "kind", "kecamatan", "q", "page"),
        *("overdue", "requests", "soon"),
    ),
    "visits.calendar": ("month", "team", "kind"),
    "visits.day_sheet": ("team", "day"),
    "visits.day_sheet_file": ("team", "day"),
    "visits.day_sheet_upload": ("team", "day"),
    "visits.day_sheet_preview": ("team", "day"),
    "visits.export": ("month",),
    "visits.links": ("month",),
}

HOSTILE = (
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "１２",  # full-width digits
    "٢٠٢٦-٠١",
    "2026-０1",
    "9" * 20,
    "9" * 40,
    "2147483647",
    "2147483648",
    "-1",
    "0",
    "1_0",
    " 1",
    "1 ",
    "+1",
    "1e3",
    "1.5",
    "0x10",
    "9999-12-31",
    "9999-12",
    "0001-01-01",
    "0001-01",
    "10000-01-01",
    "2026-02-30",
    "2026-13",
    "2026-00",
    "2026-1",
    "2026-01-01T00:00",
    "20260101",
    "1999-12",
    "2101-01",
    "2000-01-01",  # the edges of the window: must work, a few weeks either side too
    "2100-12-31",
    "2000-01",
    "2100-12",
    "",
    "\x00",
    "1\x00",
    "\u202e1",
    "%",
    "'",
    "x" * 3000,
    "x" * 5000,
)


class Recording(ImmutableMultiDict):
    """Query arguments that note every name a view asks for."""

    asked: set[str] = set()

    def __getitem__(self, key):
        Recording.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        Recording.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        Recording.asked.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        Recording.asked.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    @cached_property
    def args(self):
        return Recording(super().args)


@pytest.fixture
def visitors(app, world):
    """A logged-in test client per role (and one nobody logged in), requests recorded."""
    app.request_class = RecordingRequest
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            user = world["users"][role]
            response = ask(
                client,
                "/login",
                method="POST",
                data={"username": user.username, "password": PASSWORD},
            )
            assert response.status_code == 302, role
        clients[role] = client
    return clients


def ask(client, url, method="GET", **kwargs):
    """One request in its own app context, as in production (see conftest.IsolatedClient)."""
    response = contextvars.Context().run(client.open, url, method=method, **kwargs)
    response.close()
    return response


def gets(app) -> list[str]:
    return [endpoint for endpoint, method in routes(app) if method == "GET"]


def get(app, world, visitors, role, endpoint, query: dict[str, str]) -> list[str]:
    """GET ``endpoint`` (filled in as the matrix does) with ``query`` added: what is wrong
    with the answer (a 500, a parameter read that READS does not list)."""
    url = address(app, world, endpoint)
    base = {"team": str(world["team_a"])} if endpoint.startswith("visits.day_sheet") else {}
    Recording.asked = set()
    try:
        status = ask(visitors[role], url.split("?")[0], query_string={**base, **query}).status_code
    except Exception as error:  # what a 500 is in a test: the error itself
        status = f"500 {type(error).__name__}: {str(error)[:100]}"
    found = []
    if not isinstance(status, int) or status >= 500:
        found.append(f"{role} GET {endpoint} {_short(query)}: {status}")
    unlisted = Recording.asked - set(READS.get(endpoint, ()))
    if unlisted:
        found.append(f"{endpoint} reads {sorted(unlisted)}: add them to READS")
    return found


def _short(query: dict[str, str]) -> str:
    return repr({name: value[:24] for name, value in query.items()})


def test_every_get_route_reads_only_the_parameters_listed(app, world, visitors):
    wrong = []
    for endpoint in gets(app):
        for role in ROLES:
            wrong += get(app, world, visitors, role, endpoint, {})
    assert not wrong, "\n".join(sorted(set(wrong)))
    assert set(READS) <= set(gets(app)), "READS names a route that is gone"


def test_hostile_values_in_every_parameter_never_give_a_500(app, world, visitors):
    """Each value in each parameter alone, as the coordinator and as whoever else may open
    the page (an officer's day sheet, the login page); then in all of them at once, as every
    role."""
    wrong = []
    for endpoint, names in READS.items():
        for role in ROLES:
            opens = ask(visitors[role], address(app, world, endpoint)).status_code == 200
            alone = role == "coordinator" or (opens and role != "admin")
            for value in HOSTILE:
                queries = [{name: value} for name in names] if alone else []
                for query in [*queries, dict.fromkeys(names, value)]:
                    wrong += get(app, world, visitors, role, endpoint, query)
    assert not wrong, "\n".join(sorted(set(wrong))[:60])


# Numbers, days and months of any shape, and text of any script.
VALUES = st.one_of(
    st.integers().map(str),
    st.integers(min_value=0, max_value=2**70).map(str),
    st.text(st.characters(categories=["Nd"]), min_size=1, max_size=12),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.dates(min_value=date(1, 1, 1)).map(lambda day: day.isoformat()[:7]),
    st.from_regex(r"[0-9]{1,5}-[0-9]{1,3}(-[0-9]{1,3})?", fullmatch=True),
    st.text(max_size=40),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from([(e, name) for e, names in READS.items() for name in names]),
    role=st.sampled_from(ROLES[:3]),
    value=VALUES,
)
def test_any_value_in_any_parameter_never_gives_a_500(app, world, visitors, target, role, value):
    endpoint, name = target
    assert not get(app, world, visitors, role, endpoint, {name: value})


HOSTILE_IDS = ("9" * 20, "9" * 40, "2147483648", "١٢٣", "１", "-1", "1_0", "+1", "1e3", " 1")
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def test_a_number_in_a_path_that_names_no_row_is_not_found(app, world, visitors):
    """Every GET route with an id in its path, the id replaced by one no row can have."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and any(converter == "int" for converter, _name in _ARGUMENT.findall(rule.rule))
    ]
    assert len(rules) > 10
    wrong = []
    for rule in rules:
        for hostile in HOSTILE_IDS:
            path = _ARGUMENT.sub(
                lambda found, hostile=hostile: (
                    hostile if found[1] == "int" else str(world["args"][found[2]])
                ),
                rule.rule,
            )
            for role in ("coordinator", "officer_a"):
                status = ask(visitors[role], quote(path)).status_code
                if status != 404:
                    wrong.append(f"{role} GET {path}: {status}")
    assert not wrong, "\n".join(wrong)


def test_the_largest_id_is_still_asked_for(app, world, visitors):
    assert ask(visitors["coordinator"], "/visits/2147483647").status_code == 404
    visit_id = world["args"]["visit_id"]
    assert ask(visitors["coordinator"], f"/visits/{visit_id}").status_code == 200
