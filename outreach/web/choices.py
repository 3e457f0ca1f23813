"""Select options every area shares: labelled enum values, and the regions grouped for the
dependent kelurahan select."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select
from wtforms import SelectChoice

from outreach.extensions import db
from outreach.models import Kecamatan, Kelurahan


def enum_choices(labels: dict, blank: str | None = None) -> list[SelectChoice]:
    """One option per member of a labels table ({Enum member: label}), after ``blank``."""
    first = [SelectChoice("", str(blank))] if blank is not None else []
    return first + [SelectChoice(member.value, str(label)) for member, label in labels.items()]


def option_tags(options: Iterable[tuple], selected=None) -> Markup:
    """``<option>`` tags for (value, label) pairs, ``selected`` marked — for a filter's select
    written in a template, where a Jinja loop over a thousand teams costs milliseconds."""
    return Markup(  # noqa: S704 - every value and label escaped below
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in options
        )
    )


# Beyond this many kecamatan (a province has a few hundred, the country 7,300) a filter asks for
# the kecamatan's code instead of listing them all.
KECAMATAN_LISTED = 1000


def offer_kecamatan(field, blank: str) -> None:
    """Fill a KecamatanField: every kecamatan by name after ``blank``, or — beyond
    KECAMATAN_LISTED — make it ask for the code."""
    options = kecamatan_options()
    if options is None:
        field.ask_for_code()
    else:
        field.choices = [SelectChoice("", blank)] + [SelectChoice(k.code, k.name) for k in options]


def kecamatan_options() -> list[Kecamatan] | None:
    """Every kecamatan by name, or None when there are too many to list in a filter."""
    if db.session.scalar(select(func.count()).select_from(Kecamatan)) > KECAMATAN_LISTED:
        return None
    return list(db.session.scalars(select(Kecamatan).order_by(Kecamatan.name)))


# Beyond this many kelurahan (a province or the whole country: 83,000), a filter offers only
# the kelurahan of the kecamatan chosen, instead of a page of megabytes.
KELURAHAN_LISTED = 2000


def kelurahan_choices(*, of_kecamatan: str | None = None) -> list[SelectChoice]:
    """Grouped by kecamatan, each option naming its kecamatan for the dependent select; with
    ``of_kecamatan``, only that kecamatan's."""
    query = (
        select(Kelurahan, Kecamatan.name)
        .join(Kecamatan, Kelurahan.kecamatan_code == Kecamatan.code)
        .order_by(Kecamatan.name, Kelurahan.name)
    )
    if of_kecamatan is not None:
        query = query.where(Kelurahan.kecamatan_code == of_kecamatan)
    return [
        SelectChoice(
            kelurahan.code,
            kelurahan.name,
            render_kw={"data-parent": kelurahan.kecamatan_code},
            optgroup=kecamatan_name,
        )
        for kelurahan, kecamatan_name in db.session.execute(query)
    ]


def offer_regions(
    kecamatan_field, kelurahan_field, blank: str, kelurahan_blank: str | None = None
) -> None:
    """Fill a form's or filter's kecamatan (a KecamatanField) and kelurahan. A city or regency:
    both as selects, every kelurahan grouped by kecamatan. A province or the country: the
    kecamatan by code beyond KECAMATAN_LISTED, and beyond KELURAHAN_LISTED only the kelurahan
    of the kecamatan given (none before one is) — the page's script fetches another
    kecamatan's when it changes."""
    offer_kecamatan(kecamatan_field, blank)
    first = [SelectChoice("", kelurahan_blank or _("— unknown —"))]
    if db.session.scalar(select(func.count()).select_from(Kelurahan)) <= KELURAHAN_LISTED:
        kelurahan_field.choices = first + kelurahan_choices()
        return
    code = (kecamatan_field.data or "")[:8]
    kelurahan_field.choices = first + (kelurahan_choices(of_kecamatan=code) if code else [])
    kelurahan_field.render_kw = {
        **(kelurahan_field.render_kw or {}),
        "data-options-url": url_for("main.kelurahan_options"),
    }
