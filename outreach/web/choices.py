"""Select options every area shares: labelled enum values, and the regions grouped for the
dependent kelurahan select."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from outreach.extensions import db
from outreach.models import Kecamatan, Kelurahan


def enum_choices(labels: dict, blank: str | None = None) -> list[SelectChoice]:
    """One option per member of a labels table ({Enum member: label}), after ``blank``."""
    first = [SelectChoice("", str(blank))] if blank is not None else []
    return first + [SelectChoice(member.value, str(label)) for member, label in labels.items()]


def kecamatan_choices(blank: str) -> list[SelectChoice]:
    rows = db.session.scalars(select(Kecamatan).order_by(Kecamatan.name))
    return [SelectChoice("", blank)] + [SelectChoice(k.code, k.name) for k in rows]


def kelurahan_choices() -> list[SelectChoice]:
    """Grouped by kecamatan, each option naming its kecamatan for the dependent select."""
    rows = db.session.execute(
        select(Kelurahan, Kecamatan.name)
        .join(Kecamatan, Kelurahan.kecamatan_code == Kecamatan.code)
        .order_by(Kecamatan.name, Kelurahan.name)
    )
    return [SelectChoice("", _("— unknown —"))] + [
        SelectChoice(
            kelurahan.code,
            kelurahan.name,
            render_kw={"data-parent": kelurahan.kecamatan_code},
            optgroup=kecamatan_name,
        )
        for kelurahan, kecamatan_name in rows
    ]
