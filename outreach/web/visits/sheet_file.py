"""A team's day sheet as a spreadsheet to fill in: one row per stop, in the day sheet's order,
the outcome cells of its kind open (drop-down lists, number checks), the others greyed, an
outcome already recorded filled in; and such a sheet read back, each row's outcome checked as
the outcome form checks it (``check_row``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach.i18n import clock, long_date, number
from outreach.labels import (
    DISABILITY_LABELS,
    DISABILITY_NOT_KNOWN,
    HOME_OUTCOME_LABELS,
    VISIT_KIND_LABELS,
)
from outreach.models import DisabilityKind, HomeOutcome, Team, Visit, VisitKind
from outreach.services.tables import Table, cell_text, match_headings
from outreach.services.visits.day_sheets import CELLS, VISIT, SheetRow
from outreach.services.visits.lifecycle import STUDENTS_MAX
from outreach.services.visits.sent import FIELDS
from outreach.spreadsheets import Choices, Sheet, WholeNumber
from outreach.web.visits.outcome import read_outcome

COLUMNS = {
    VISIT: _l("Visit no. (do not change)"),
    "kind": _l("Kind"),
    "name": _l("Name"),
    "address": _l("Address"),
    "time": _l("Time"),
    "recorded": _l("Students recorded"),
    "not_recorded": _l("Students not recorded"),
    "reason": _l("Why they were not recorded"),
    "outcome": _l("Outcome (home visit)"),
    "disability": _l("Kind of disability"),
    "notes": _l("Notes"),
}
WIDTHS = {
    VISIT: 16,
    "kind": 18,
    "name": 30,
    "address": 40,
    "reason": 30,
    "outcome": 24,
    "disability": 24,
    "notes": 40,
}
SHORT_VISIT = _l("Visit no.")  # the heading as people shorten it, read back too
# Cells of the other kind, greyed on a row.
CLOSED = {
    VisitKind.SCHOOL: ("outcome", "disability"),
    VisitKind.HOME: ("recorded", "not_recorded", "reason"),
}
_SPACES = re.compile(r"\s+")


def day_workbook(team: Team, day: date, stops: Sequence[Visit]) -> list[Sheet]:
    """The day's sheet to fill in, and a sheet saying how."""
    headings = {name: str(label) for name, label in COLUMNS.items()}
    rows, closed = [], []
    for index, visit in enumerate(stops):
        rows.append(_cells(visit))
        shut = list(CLOSED[visit.kind])
        if visit.kind is VisitKind.HOME and not visit.resident.disability_not_known:
            shut.append("disability")
        closed.extend((index, headings[name]) for name in shut)
    count = WholeNumber(0, STUDENTS_MAX, _("Enter a number from 0 to %(max)d.", max=STUDENTS_MAX))
    checks = {
        headings["recorded"]: count,
        headings["not_recorded"]: count,
        headings["outcome"]: Choices(_outcome_labels(), _("Choose the outcome from the list.")),
        headings["disability"]: Choices(
            [*_disability_labels(), str(DISABILITY_NOT_KNOWN)],
            _("Choose the kind of disability from the list, or leave it not known."),
        ),
    }
    sheet = Sheet(
        title=_("Day sheet"),
        headings=list(headings.values()),
        rows=rows,
        widths={headings[name]: width for name, width in WIDTHS.items()},
        checks=checks,
        closed=closed,
    )
    title = f"{team.name} · {long_date(day)}"
    how = Sheet(title=_("How to fill in"), headings=[title], rows=[[line] for line in filling_in()])
    how.widths = {title: 120}
    return [sheet, how]


def filling_in() -> list[str]:
    """How to fill in the sheet and upload it, a line each (in the file and on the upload page)."""
    return [
        _("One row per visit of the day. Fill in the outcome of each visit made; leave the row "
          "of a visit not made empty."),
        _("School visits: the students recorded (0 if none), those not recorded and, if any "
          "were not, why."),
        _("Home visits: choose the outcome from the cell's list, and the kind of disability "
          "where its cell is white (the resident's kind is not known yet)."),
        _("Grey cells do not apply to the visit of their row: leave them empty."),
        _("Do not change the visit numbers, and do not add rows."),
        _("Upload the filled sheet from the day sheet's page. You will see every row before "
          "anything is saved; if one row is wrong, nothing is saved."),
        _("Personal data: keep this file safe and delete it once it is uploaded."),
    ]  # fmt: skip


def _cells(visit: Visit) -> list[object]:
    recorded = visit.has_outcome
    school = visit.kind is VisitKind.SCHOOL
    return [
        visit.id,
        str(VISIT_KIND_LABELS[visit.kind]),
        visit.subject_name,
        _address(visit),
        clock(visit.start_time) if visit.start_time else None,
        visit.students_recorded if recorded and school else None,
        visit.students_not_recorded if recorded and school else None,
        visit.not_recorded_reason if recorded and school else None,
        str(HOME_OUTCOME_LABELS[visit.home_outcome]) if recorded and not school else None,
        None,
        visit.notes if recorded else None,
    ]


def _address(visit: Visit) -> str:
    """As the day sheet's page writes it: the school's address and kecamatan, the resident's
    address, RT/RW and kelurahan."""
    if visit.kind is VisitKind.SCHOOL:
        school = visit.school
        parts = [school.address or ""]
        if school.kecamatan is not None:
            parts.append(f"{_('Kec.')} {school.kecamatan.name}")
        return ", ".join(part for part in parts if part)
    resident = visit.resident
    parts = [resident.address or ""]
    if resident.rt:
        parts.append(f"RT {resident.rt}/RW {resident.rw or '—'}")
    parts.append(resident.kelurahan.name if resident.kelurahan is not None else "")
    return ", ".join(part for part in parts if part)


def _outcome_labels() -> list[str]:
    return [str(HOME_OUTCOME_LABELS[outcome]) for outcome in HomeOutcome]


def _disability_labels() -> list[str]:
    return [str(DISABILITY_LABELS[kind]) for kind in DisabilityKind]


# --- reading a filled sheet back -------------------------------------------------------------


def _in_both_languages(label) -> list[str]:
    """A label as this user reads it, and in Indonesian and English (a sheet made in one
    language may be sent back by someone reading the other)."""
    found = [str(label)]
    for locale in ("id", "en"):
        with force_locale(locale):
            found.append(str(label))
    return list(dict.fromkeys(found))


def read_day_sheet(table: Table) -> tuple[list[SheetRow], dict[str, str]]:
    """The rows of an uploaded day sheet, and the column of each field as the file heads it
    (to name a cell's problem). Invalid when it has no visit number column."""
    aliases = {name: (*_in_both_languages(COLUMNS[name]), name) for name in (VISIT, *CELLS)}
    aliases[VISIT] += (*_in_both_languages(SHORT_VISIT), "visit_id")
    headings = match_headings(table.headings, aliases, required=(VISIT,))
    rows = []
    for row_number, cells in table.rows:
        text = {name: cell_text(headings.value(cells, name)) for name in (VISIT, *CELLS)}
        rows.append(SheetRow(row_number, text.pop(VISIT), text))
    columns = {
        name: table.headings[headings.columns[name]] if name in headings.columns else str(label)
        for name, label in COLUMNS.items()
    }
    return rows, columns


def _key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _names(pairs) -> dict[str, str]:
    """{a way to write a value, as _key reads it: the value}, from (value, label) pairs: the
    value itself, its label in this user's language, in Indonesian and in English."""
    names = {}
    for value, label in pairs:
        for name in (value, *_in_both_languages(label)):
            names[_key(name)] = value
    return names


def check_row(visit: Visit, cells: dict[str, str]) -> tuple[dict | None, dict]:
    """A row's outcome cells through the outcome form (``read_outcome``): a home outcome and a
    kind of disability given by their label (the drop-down's, any case) or value."""
    data = {name: cells.get(name, "") for name in FIELDS[visit.kind]}
    ours: dict[str, list[str]] = {}
    if visit.kind is VisitKind.HOME:
        outcomes = _names((outcome.value, HOME_OUTCOME_LABELS[outcome]) for outcome in HomeOutcome)
        given = data["outcome"]
        data["outcome"] = outcomes.get(_key(given), given)
        if given and data["outcome"] == given and given not in outcomes.values():
            choices = ", ".join(_outcome_labels())
            ours["outcome"] = [_("Choose one of: %(choices)s.", choices=choices)]
        _read_disability(visit, data, ours)
    values, errors = read_outcome(visit, data)
    if ours:
        return None, {**errors, **ours}
    return values, errors


def _read_disability(visit: Visit, data: dict[str, str], ours: dict) -> None:
    """The kind of disability found at the visit, where it was not known; where it is known,
    a cell naming that kind (a sheet uploaded again) is no change, another one a mistake."""
    kinds = _names((kind.value, DISABILITY_LABELS[kind]) for kind in DisabilityKind)
    given = data.pop("disability", "")
    resident = visit.resident
    if resident.disability_not_known:
        not_known = {_key(name) for name in _in_both_languages(DISABILITY_NOT_KNOWN)}
        data["disability"] = "" if _key(given) in not_known else kinds.get(_key(given), given)
    elif given and kinds.get(_key(given)) != (resident.disability and resident.disability.value):
        ours["disability"] = [_("The kind of disability is known already: leave this cell empty.")]


def outcome_summary(visit: Visit, values: dict) -> str:
    """A row's outcome as the preview shows it, in words."""
    if visit.kind is VisitKind.SCHOOL:
        parts = [f"{_('Students recorded')}: {number(values['recorded'])}"]
        if values.get("not_recorded"):
            left = f"{_('Students not recorded')}: {number(values['not_recorded'])}"
            parts.append(f"{left} ({values['reason']})" if values.get("reason") else left)
    else:
        parts = [str(HOME_OUTCOME_LABELS[HomeOutcome(values["outcome"])])]
        if values.get("disability"):
            kind = DISABILITY_LABELS[DisabilityKind(values["disability"])]
            parts.append(f"{_('Kind of disability')}: {kind}")
    if values.get("notes"):
        parts.append(f"{_('Notes')}: {values['notes']}")
    return " · ".join(parts)
