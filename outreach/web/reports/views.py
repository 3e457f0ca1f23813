"""/reports?month=YYYY-MM and its CSV and XLSX files."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import gettext as _

from outreach.extensions import db
from outreach.i18n import month_name, office_today
from outreach.labels import REPORT_COLUMN_LABELS
from outreach.scheduling.calendar import month_start, next_month
from outreach.services.visits.report import COLUMNS, ReportRow, monthly_report
from outreach.spreadsheets import Sheet
from outreach.web.downloads import spreadsheet_download, workbook_download
from outreach.web.months import requested_month
from outreach.web.reports import bp

# The report's columns on screen: two tables (where visits stand, what they recorded), each
# with its groups of columns (group heading, columns). Files have them all in one row.
TABLES = (
    ("visits", (("visits", COLUMNS[:7]),)),
    ("results", (("schools", COLUMNS[7:10]), ("homes", COLUMNS[10:]))),
)


@bp.route("")
def index():
    """A month's visits by kecamatan and by team."""
    today = office_today()
    month = requested_month(strict=False)
    return render_template(
        "reports/index.html",
        report=monthly_report(db.session, month),
        tables=TABLES,
        labels=REPORT_COLUMN_LABELS,
        today=today,
        previous_month=month_start(month - timedelta(days=1)),
        following_month=next_month(month),
    )


def _row_cells(row: ReportRow) -> list[int]:
    return [row.figures[name] for name in COLUMNS]


def _figure_headings() -> list[str]:
    return [str(REPORT_COLUMN_LABELS[name]) for name in COLUMNS]


def _table(rows: list[ReportRow], total: ReportRow) -> list[list]:
    return [[row.name or _("Unknown"), *_row_cells(row)] for row in rows] + [
        [_("Total"), *_row_cells(total)]
    ]


@bp.route("/export.<any(csv, xlsx):extension>")
def export(extension: str):
    """The month's report: XLSX with a sheet per grouping, CSV with both one under the other."""
    month = requested_month(strict=True)
    report = monthly_report(db.session, month)
    stem = f"laporan-jemput-bola-{month:%Y-%m}"
    groupings = ((_("By kecamatan"), _("Kecamatan"), report.by_kecamatan),
                 (_("By team"), _("Team"), report.by_team))  # fmt: skip
    if extension == "xlsx":
        sheets = [
            Sheet(title, [first, *_figure_headings()], _table(rows, report.total), {first: 28})
            for title, first, rows in groupings
        ]
        return workbook_download(sheets, stem=stem)
    rows = [
        [first, *cells]
        for _title, first, grouped in groupings
        for cells in _table(grouped, report.total)
    ]
    return spreadsheet_download(
        [_("By"), _("Name"), *_figure_headings()],
        rows,
        extension="csv",
        stem=stem,
        title=month_name(month),
    )
