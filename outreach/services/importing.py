"""What every import shares: each row read field by field with every problem collected, the
preview of a whole file (new, changed, unchanged, invalid), and the regions of a row."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload

from outreach.domain.problems import N_, Invalid
from outreach.domain.regions import Region, RegionIndex, names_a_kecamatan
from outreach.domain.text import clean_line, has_nul
from outreach.errors import DomainError
from outreach.models import AuditEvent
from outreach.services import versions
from outreach.services.audit import diff, event_row, record_events
from outreach.services.tables import Headings, cell_text

STATES = ("new", "changed", "unchanged", "invalid")
NOT_TEXT = N_(
    "This cell holds a character that is not text: the file may be damaged or saved in another "
    "format. Save it again as CSV UTF-8 or as an Excel workbook."
)


@dataclass
class RowResult:
    number: int  # as the user sees it in the file
    key: str  # NPSN, NIK…
    name: str
    state: str = "invalid"
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    changes: dict[str, list] = field(default_factory=dict)  # field → [before, after]
    values: Any = None  # what would be written
    record: Any = None  # the existing record it updates
    seen: str = ""  # the record as the analysis found it (see ImportPreview.fingerprint)

    def settle(self, values: Any, record: Any, before: dict | None, *, hidden=()) -> None:
        """What writing ``values`` (a dataclass) would do: new when there is no ``record``,
        else changed or unchanged against ``before``. ``hidden`` fields never show as changes
        of a new record (the NIK)."""
        self.values, self.record = values, record
        self.seen = _seen(record, before)
        after = fields_of(values)
        if record is None:
            self.state = "new"
            self.changes = {
                key: [None, value]
                for key, value in after.items()
                if value not in (None, 0, "") and key not in hidden
            }
        else:
            self.changes = diff(before, after)
            self.state = "changed" if self.changes else "unchanged"


def _seen(record: Any, before: dict | None) -> str:
    """A record as an analysis found it: its id and version (schools, requests), or — for a
    record without one — a digest of the fields compared; "new" when there is none."""
    if record is None:
        return "new"
    version = getattr(record, "version", None)
    if version is None:
        version = hashlib.sha256(repr(sorted((before or {}).items())).encode()).hexdigest()[:16]
    return f"{record.id}:{version}"


def fields_of(values: Any) -> dict[str, Any]:
    """A flat dataclass's fields by name — ``dataclasses.asdict`` without its deep copy, which
    costs seconds over a national file."""
    return {name: getattr(values, name) for name in values.__dataclass_fields__}


class Tally:
    """Rows that each have a ``state``: counted by state (each of ``STATES`` there, 0 when
    none), and listed by state. Shared by the import previews and the day-sheet upload."""

    STATES: ClassVar[tuple[str, ...]] = STATES
    rows: list

    @property
    def counts(self) -> Counter:
        counts = Counter(row.state for row in self.rows)
        for state in self.STATES:
            counts.setdefault(state, 0)
        return counts

    def with_state(self, state: str) -> list:
        return [row for row in self.rows if row.state == state]


@dataclass
class ImportPreview(Tally):
    rows: list[RowResult]
    ignored_headings: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.counts["invalid"]

    @property
    def has_changes(self) -> bool:
        return bool(self.counts["new"] or self.counts["changed"])

    @property
    def fingerprint(self) -> str:
        """What the preview was made against: the record each row matched, with its version
        (no key: a NIK never goes into a page this way). The confirmation carries the one its
        page showed; a record changed since (or made meanwhile) changes it, and the file is
        previewed again instead of written over."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update(f"{row.number}\t{row.seen}\n".encode())
        return digest.hexdigest()


# What an audit event may record of a record without changing it: not a change since a preview.
_READ_ONLY_ACTIONS = ("resident.find_nik", "resident.view_nik")
_CHUNK = 900  # ids per IN (…): under every engine's limit of bound parameters


def changed_since(
    session: Session, preview: ImportPreview, since: datetime
) -> list[tuple[RowResult, AuditEvent]]:
    """The rows whose record was changed (or made) after ``since`` — the moment a preview was
    shown — each with the newest such change in the audit log: what a refused confirmation
    names, so that the user knows which rows to look at again."""
    by_record: dict[tuple[str, str], RowResult] = {
        (type(row.record).__name__, str(row.record.id)): row
        for row in preview.rows
        if row.record is not None
    }
    newest: dict[tuple[str, str], AuditEvent] = {}
    keys = list(by_record)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        events = session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type.in_({kind for kind, _id in chunk}),
                AuditEvent.entity_id.in_([entity_id for _kind, entity_id in chunk]),
                AuditEvent.at > since,
                AuditEvent.action.not_in(_READ_ONLY_ACTIONS),
            )
            .options(joinedload(AuditEvent.user))
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        for event in events:
            key = (event.entity_type, event.entity_id)
            if key in by_record:
                newest[key] = event
    found = [(by_record[key], event) for key, event in newest.items()]
    return sorted(found, key=lambda pair: pair[0].number)


@dataclass
class ImportOutcome:
    preview: ImportPreview
    written: bool
    stale: bool = False  # records changed since the preview the user confirmed: not written


def finish_import(
    session: Session,
    preview: ImportPreview,
    *,
    model: type,
    key: tuple[str, ...],
    extra: dict[str, Any],
    noun: str,
    now: datetime,
    actor,
    source: str,
    dry_run: bool = False,
    seen: str | None = None,
) -> ImportOutcome:
    """Write an analysed file — only when every row is valid, something changes, this is no
    dry run and (``seen``: the fingerprint of the preview the user confirmed) no record has
    changed since that preview. New rows go in as one bulk INSERT of ``model`` (their values
    plus ``extra``), which returns each new id with the row's ``key`` columns (unique within a
    file: the analysers refuse a repeated key); changed records get their changes. Every
    record written and the import itself go to the audit log as ``<noun>.import…``, in one bulk
    INSERT too."""
    if not preview.rows:
        raise DomainError(_l("The file has no rows below its headings."))
    if seen is not None and seen != preview.fingerprint:
        return ImportOutcome(preview, written=False, stale=True)
    if dry_run or not preview.ok or not preview.has_changes:
        return ImportOutcome(preview, written=False)
    events = []

    def logged(action: str, entity_id: int, row: RowResult) -> None:
        events.append(
            event_row(
                now=now,
                actor=actor,
                action=f"{noun}.{action}",
                entity_type=model.__name__,
                entity_id=entity_id,
                changes=row.changes,
            )
        )

    created = preview.with_state("new")
    rows = [{**fields_of(row.values), **extra} for row in created]
    ids = _insert_all(session, model, key, rows)
    for row in created:
        logged("import_create", ids[tuple(getattr(row.values, name) for name in key)], row)
    changed = preview.with_state("changed")
    for row in changed:
        for name, (_old, new) in row.changes.items():
            setattr(row.record, name, new)
        if hasattr(model, "updated_at"):
            row.record.updated_at = now
    versions.flush(session)  # a record changed after this analysis read it: refused, Stale
    for row in changed:
        logged("import_update", row.record.id, row)
    counts = preview.counts
    events.append(
        event_row(
            now=now,
            actor=actor,
            action=f"{noun}.import",
            changes={
                "source": clean_line(source)[:200],
                "new": counts["new"],
                "changed": counts["changed"],
                "unchanged": counts["unchanged"],
            },
        )
    )
    record_events(session, events)
    return ImportOutcome(preview, written=True)


def _insert_all(session: Session, model: type, key: tuple[str, ...], rows: list[dict]) -> dict:
    """INSERT ``rows`` in batches; {key values: new id}."""
    if not rows:
        return {}
    columns = [getattr(model, name) for name in key]
    returned = session.execute(insert(model).returning(model.id, *columns), rows)
    return {tuple(found[1:]): found[0] for found in returned}


def records_by_key(session: Session, column, keys, *criteria, batch: int = 500) -> dict:
    """The records whose ``column`` is one of ``keys`` (and meet ``criteria``), by that column —
    fetched in batches, so an import looks up only the rows its file names."""
    wanted = sorted({key for key in keys if key is not None})
    entity = column.class_
    found = {}
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        query = select(entity).where(column.in_(chunk), *criteria)
        for record in session.scalars(query):
            found[getattr(record, column.key)] = record
    return found


class RowReader:
    """One row's cells, read field by field; problems are named by the file's own heading."""

    def __init__(self, cells, headings: Headings, table_headings, aliases, result: RowResult):
        self.cells = cells
        self.headings = headings
        self.table_headings = table_headings
        self.aliases = aliases
        self.result = result
        self._refused: set[str] = set()  # columns already named for a NUL

    def _value(self, name: str) -> object:
        """A cell as the file holds it, its text made one clean line (``domain.text``); a NUL
        in it makes the row a problem (a damaged file, or one saved in another format)."""
        value = self.headings.value(self.cells, name)
        if not isinstance(value, str):
            return value
        if has_nul(value) and name not in self._refused:
            self._refused.add(name)
            self.problem(name, _l(NOT_TEXT))
        return clean_line(value)

    def text(self, name: str) -> str:
        return cell_text(self._value(name))

    def raw(self, name: str) -> object:
        value = self._value(name)
        return None if value in (None, "") else value

    def column(self, name: str) -> str:
        index = self.headings.columns.get(name)
        if index is None:
            return self.aliases[name][0]
        return clean_line(self.table_headings[index])

    def problem(self, name: str, reason) -> None:
        self.result.problems.append((self.column(name), reason))

    def parse(self, name: str, parser, *args, **kwargs):
        """parser(cell) for a non-empty cell; None for an empty one or after a problem."""
        raw = self.raw(name)
        if raw is None:
            return None
        try:
            return parser(raw, *args, **kwargs)
        except Invalid as error:
            self.problem(name, _l(error.message, **error.params))
            return None

    def required(self, name: str, parser, message) -> Any:
        """Like parse, but an empty cell is a problem with ``message``."""
        if self.raw(name) is None:
            self.problem(name, message)
            return None
        return self.parse(name, parser)


def text_cell(limit: int):
    """A parser for free text: spaces tidied, at most ``limit`` characters."""

    def parse(raw: object) -> str:
        text = clean_line(cell_text(raw))
        if len(text) > limit:
            raise Invalid(N_("At most %(n)d characters."), n=limit)
        return text

    return parse


def read_regions(row: RowReader, regions: RegionIndex) -> tuple[Region | None, Region | None]:
    """The kecamatan and kelurahan of a row, by code or name; the kecamatan follows from the
    kelurahan when only that is given. Problems are put on the row."""
    kecamatan_text, kelurahan_text = row.text("kecamatan"), row.text("kelurahan")
    if names_a_kecamatan(kelurahan_text):
        # Listings put "Kec. Selebar" where the kelurahan is unknown.
        kecamatan_text = kecamatan_text or kelurahan_text
        kelurahan_text = ""
    if not kecamatan_text and not kelurahan_text:
        row.problem("kecamatan", _l("Give the kecamatan or the kelurahan."))
        return None, None
    kecamatan = kelurahan = None
    try:
        if kecamatan_text:
            kecamatan = regions.find_kecamatan(kecamatan_text)
    except Invalid as error:
        row.problem("kecamatan", _l(error.message, **error.params))
        return None, None
    try:
        if kelurahan_text:
            kelurahan = regions.find_kelurahan(kelurahan_text, kecamatan)
    except Invalid as error:
        row.problem("kelurahan", _l(error.message, **error.params))
        return kecamatan, None
    if kecamatan is None and kelurahan is not None:
        kecamatan = regions.kecamatan[kelurahan.parent_code]
    return kecamatan, kelurahan
