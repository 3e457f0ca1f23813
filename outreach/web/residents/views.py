"""The home-visit queue and each request: registering, changing, status."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from outreach.domain.nik import age_on, mask_nik
from outreach.domain.phone import display_phone
from outreach.domain.text import clean_line
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.labels import (
    CATEGORY_LABELS,
    RESIDENT_STATUS_LABELS,
    resident_changed_fields,
)
from outreach.models import RequestChannel, Resident, ResidentStatus, utcnow
from outreach.permissions import can_manage_users
from outreach.services.residents.history import list_history
from outreach.services.residents.queue import (
    ResidentFilters,
    count_by_status,
    list_queue,
    list_requests_of_nik,
    list_resident_visits,
)
from outreach.services.residents.requests import (
    DuplicateRequest,
    ResidentValues,
    complete_values,
    register_resident,
    update_resident,
    warnings_for,
)
from outreach.services.residents.status import change_status
from outreach.web.choices import (
    enum_choices,
    offer_regions,
)
from outreach.web.downloads import url_with
from outreach.web.forms import ConfirmForm, attempt, show_current
from outreach.web.params import arg_page
from outreach.web.residents import bp
from outreach.web.residents.forms import (
    ENUMS,
    FindNikForm,
    ResidentEditForm,
    ResidentFilterForm,
    ResidentForm,
    StatusForm,
)
from outreach.web.residents.full_nik import take_full_nik
from outreach.web.residents.lookups import audit_lookup, nik_typed_in_form

PER_PAGE = 25
WAITED_DAYS = (30, 60, 90)


def load_resident(resident_id: int) -> Resident:
    """The request with this id, or 404."""
    return db.get_or_404(Resident, resident_id)


# --- the queue ------------------------------------------------------------------------------


def filters_from_request() -> tuple[ResidentFilterForm, ResidentFilters]:
    form = ResidentFilterForm(formdata=request.args)
    form.category.choices = enum_choices(CATEGORY_LABELS, _("All categories"))
    offer_regions(form.kecamatan, form.kelurahan, _("All kecamatan"), _("All kelurahan"))
    form.waited.choices = [SelectChoice("", _("Any time"))] + [
        SelectChoice(str(days), _("%(days)d days or more", days=days)) for days in WAITED_DAYS
    ]
    form.validate()
    valid = {name: field.data for name, field in form._fields.items() if not field.errors}
    status = valid.get("status") or "open"
    if status not in ("open", "all", *(s.value for s in ResidentStatus)):
        status = "open"
    filters = ResidentFilters(
        q=(valid.get("q") or "").strip(),
        status=status,
        category=valid.get("category") or "",
        kecamatan=valid.get("kecamatan") or "",
        kelurahan=valid.get("kelurahan") or "",
        waited_days=int(valid.get("waited") or 0),
    )
    return form, filters


@bp.route("")
def index():
    """The queue in priority order, with counts per status."""
    form, filters = filters_from_request()
    today = office_today()
    counts = count_by_status(db.session, filters, today=today)
    page = list_queue(
        db.session,
        filters,
        today=today,
        page=arg_page(),
        per_page=PER_PAGE,
        counts=counts,
    )
    tabs = [
        ("open", _("Open"), counts[ResidentStatus.WAITING] + counts[ResidentStatus.SCHEDULED]),
        *((status.value, RESIDENT_STATUS_LABELS[status], counts[status]) for status in counts),
        ("all", _("All"), sum(counts.values())),
    ]
    return render_template(
        "residents/index.html",
        form=form,
        filters=filters,
        page=page,
        tabs=tabs,
        find_form=FindNikForm(formdata=None),
        today=today,
        age_on=age_on,
        mask_nik=mask_nik,
        status_url=lambda status: url_with("residents.index", status=status, page=None),
        page_url=lambda number: url_with("residents.index", page=str(number)),
        export_url=lambda extension: url_with("residents.export", extension=extension, page=None),
    )


# --- one request ----------------------------------------------------------------------------


def _resident_form(resident: Resident | None = None, *, current: bool = False) -> ResidentForm:
    """The form as posted, or (GET, or ``current``) filled from the request as stored."""
    if resident is None:
        form = ResidentForm()
        if request.method == "GET":
            form.requested_on.data = office_today()
    elif request.method == "POST" and not current:
        form = ResidentEditForm()
    else:
        return _filled(resident).seal()
    form.fill_choices()
    offer_regions(form.kecamatan, form.kelurahan, _("— choose —"))
    return form


def _filled(source: Resident | ResidentValues) -> ResidentEditForm:
    """The change form filled from a request as stored, or from values as the request would
    store them — the same way, so that a stale page compares the two field by field. The NIK
    is never filled in (empty keeps it)."""
    form = ResidentEditForm(formdata=None, obj=source)
    form.nik.data = ""
    for name in ENUMS:
        value = getattr(source, name)
        getattr(form, name).data = value.value if value else ""
    # Official codes nest: kelurahan 17.71.01.1001 lies in kecamatan 17.71.01.
    form.kecamatan.data = source.kelurahan_code.rpartition(".")[0]
    form.kelurahan.data = source.kelurahan_code
    form.coordinates.data = f"{source.lat}, {source.lng}" if source.lat is not None else ""
    form.phone.data = display_phone(source.phone)
    form.fill_choices()
    offer_regions(form.kecamatan, form.kelurahan, _("— choose —"))
    return form


def _as_stored(form: ResidentForm, resident: Resident) -> ResidentValues:
    """What the form says as the request would store it (the NIK's birth date, sex and
    category filled in); as typed when the rules refuse it."""
    values = _values(form, resident)
    try:
        return complete_values(values, today=office_today())
    except DomainError:
        return values


def _values(form: ResidentForm, resident: Resident | None = None) -> ResidentValues:
    """What the form says; an edit's empty NIK keeps the request's."""
    lat, lng = form.coordinates.data if isinstance(form.coordinates.data, tuple) else (None, None)
    enums = {
        name: enum(getattr(form, name).data) if getattr(form, name).data else None
        for name, enum in ENUMS.items()
    }
    return ResidentValues(
        nik=form.nik.data or (resident.nik if resident is not None else ""),
        name=clean_line(form.name.data),
        address=form.address.data.strip(),
        kelurahan_code=form.kelurahan.data,
        category=enums["category"],
        birth_on=form.birth_on.data,
        sex=enums["sex"],
        disability=enums["disability"],
        is_bedridden=form.is_bedridden.data,
        needs_companion=form.needs_companion.data,
        rt=form.rt.data or None,
        rw=form.rw.data or None,
        lat=lat,
        lng=lng,
        phone=form.phone.data or None,
        contact_name=clean_line(form.contact_name.data) or None,
        contact_relation=clean_line(form.contact_relation.data) or None,
        requested_via=enums["requested_via"] or RequestChannel.OTHER,
        requested_on=form.requested_on.data,
    )


def _save(form: ResidentForm, resident: Resident | None):
    """Register or update from the form; the saved request, or None with errors on the form."""
    today = office_today()
    if resident is None:
        done = attempt(
            form,
            lambda: register_resident(
                db.session, _values(form), now=utcnow(), today=today, actor=current_user
            ),
            "nik",
        )
        changed = True
    else:
        done = attempt(
            form,
            lambda: update_resident(
                db.session,
                resident,
                _values(form, resident),
                now=utcnow(),
                today=today,
                actor=current_user,
                version=form.seen_version,
            ),
            "nik",
        )
        changed = bool(done.result)
    if not done.ok:
        if isinstance(done.error, DuplicateRequest):
            form.duplicate = done.error.existing  # the page links to the open request
            audit_lookup(done.error.existing, "form")  # the typed NIK found it: audited
        form.stale = done.stale
        return None, False
    resident = done.result if resident is None else resident
    db.session.commit()
    for warning in warnings_for(resident, today=today):
        flash(str(warning), "warning")
    return resident, changed


@bp.route("/new", methods=["GET", "POST"])
@nik_typed_in_form
def new():
    form = _resident_form()
    form.duplicate = None
    if form.validate_on_submit():
        resident, _changed = _save(form, None)
        if resident is not None:
            flash(_("%(name)s is in the queue.", name=resident.name), "success")
            return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_template("residents/form.html", form=form, resident=None), (
        422 if form.errors or form.duplicate else 200
    )


@bp.route("/<int:resident_id>/edit", methods=["GET", "POST"])
@nik_typed_in_form
def edit(resident_id: int):
    resident = load_resident(resident_id)
    form = _resident_form(resident).keeping(resident.nik)
    form.duplicate = None
    if form.validate_on_submit():
        saved, changed = _save(form, resident)
        if saved is not None:
            flash(
                _("Changes saved.") if changed else _("Nothing was changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("residents.detail", resident_id=resident.id))
        if form.stale:  # the request as it is now, and what was typed beside it
            typed = _as_stored(form, resident)
            current = _filled(resident).keeping(resident.nik)
            current.duplicate = None
            # A NIK typed is named, never shown: it is to be typed again — whether or not it is
            # the one on file, which the page must not tell (that would be an unaudited lookup).
            withheld = ("nik",) if form.nik.data else ()
            return show_current(
                "residents/form.html",
                form,
                resident,
                typed=_filled(typed),
                current=current,
                withheld=withheld,
                resident=resident,
            )
    return render_template("residents/form.html", form=form, resident=resident), (
        422 if form.errors else 200
    )


def render_resident_page(
    resident: Resident, *, full_nik: bool = False, status_form=None, status=200
):
    today = office_today()
    if status_form is None:
        status_form = StatusForm(formdata=None)
    status_form.version.data = resident.version  # after a refusal too: the version shown now
    status_form.fill_choices(resident.status)
    page = render_template(
        "residents/detail.html",
        resident=resident,
        nik=resident.nik if full_nik else mask_nik(resident.nik),
        full_nik=full_nik,
        age=age_on(resident.birth_on, today) if resident.birth_on else None,
        waiting_days=(today - resident.requested_on).days,
        warnings=warnings_for(resident, today=today),
        status_form=status_form,
        confirm_form=ConfirmForm(),
        visits=list_resident_visits(db.session, resident),
        other_requests=list_requests_of_nik(db.session, resident),
        history=list_history(db.session, resident),
        changed_fields=resident_changed_fields,
        lookups_url=url_for(
            "admin.audit_log", action="resident.find_nik", record="Resident", record_id=resident.id
        )
        if can_manage_users(current_user)
        else None,
        mask_nik=mask_nik,
    )
    return page, status


@bp.route("/<int:resident_id>")
def detail(resident_id: int):
    """A request: the resident, the address and contact, the status and its history; the
    full NIK once, right after it was asked for (full_nik)."""
    resident = load_resident(resident_id)
    return render_resident_page(resident, full_nik=take_full_nik(resident))


@bp.route("/<int:resident_id>/status", methods=["POST"])
def set_status(resident_id: int):
    resident = load_resident(resident_id)
    form = StatusForm()
    form.fill_choices(resident.status)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: change_status(
                db.session,
                resident,
                ResidentStatus(form.status.data),
                form.reason.data,
                now=utcnow(),
                actor=current_user,
                version=form.seen_version,
            ),
            "status",
        )
        if done.ok:
            cancelled = done.result
            db.session.commit()
            flash(
                _("Status is now: %(status)s.", status=RESIDENT_STATUS_LABELS[resident.status]),
                "success",
            )
            if cancelled:
                flash(
                    ngettext(
                        "The planned home visit was cancelled: tell the team.",
                        "%(num)d planned home visits were cancelled: tell the team.",
                        cancelled,
                    ),
                    "warning",
                )
            return redirect(url_for("residents.detail", resident_id=resident.id))
        if done.stale:  # the page again, as the request is now
            return redirect(url_for("residents.detail", resident_id=resident.id))
    return render_resident_page(resident, status_form=form, status=422)
