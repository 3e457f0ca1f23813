"""No NIK in a URL: a GET whose query string holds a NIK (typed into a search box of a page
without its script, or pasted into the address bar) is sent back to the same page without
that parameter, saying where a NIK is searched. It runs before the login guard, so the NIK
does not travel on in the login page's ``next`` either.

The query string has reached the server's request log by then: the log filter
(``outreach.logs``) hides it there, and the app's script keeps it from being sent at all."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, flash, redirect, request
from flask_babel import gettext as _

from outreach.domain.nik import nik_in


def drop_niks_from_query():
    """Redirect a GET or HEAD carrying a NIK-like value to the same path without it."""
    if request.method not in ("GET", "HEAD") or not request.args:
        return None
    kept = [
        (key, value)
        for key, values in request.args.lists()
        for value in values
        if nik_in(value) is None and nik_in(key) is None
    ]
    if len(kept) == sum(len(values) for _key, values in request.args.lists()):
        return None
    flash(
        _("A NIK is not searched here: type it in the “Find by NIK” box of the home-visit queue."),
        "warning",
    )
    return redirect(request.path + ("?" + urlencode(kept) if kept else ""))


def register(app: Flask) -> None:
    app.before_request(drop_niks_from_query)
