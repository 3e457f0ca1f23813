"""Jemput Bola: outreach scheduling for e-KTP recording. ``create_app`` builds the web app."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from outreach import logs
from outreach.config import check_config, load_config
from outreach.private_files import private_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints and commands. Nothing else."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_relative_config=True,
        # Where the SQLite file, the secret key of `make run` and the scheduler's lock file
        # live: instance/ beside the code, or a folder of its own in production.
        instance_path=os.environ.get("OUTREACH_INSTANCE_PATH") or None,
    )
    app.config.update(load_config(app.instance_path))
    app.config.update(config or {})
    check_config(app.config)
    _configure_logging(app)
    logs.hide_niks_in_logs(app)
    private_folder(Path(app.instance_path))  # 0700: the SQLite file and the lock live there

    from outreach import database, i18n
    from outreach.cli import outreach_cli
    from outreach.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from outreach.web import admin as admin_area
    from outreach.web import (
        auth,
        closures,
        context,
        coverage,
        errors,
        feeds,
        field,
        head_requests,
        liaison,
        main,
        nik_urls,
        params,
        plan,
        reports,
        residents,
        schools,
        security,
        teams,
        visits,
    )
    from outreach.web.access import login_guard

    db.init_app(app)
    database.configure_engines(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)
    auth.init_login(app, login_manager)
    i18n.register_filters(app)
    head_requests.register()  # a HEAD request writes nothing to the audit log

    params.register(app)  # bounds <int:…> before the blueprints add their routes
    nik_urls.register(app)  # before the login guard: no NIK in its ?next= either
    app.before_request(login_guard)
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_area.bp)
    app.register_blueprint(schools.bp)
    app.register_blueprint(residents.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(closures.bp)
    app.register_blueprint(plan.bp)
    app.register_blueprint(visits.bp)
    app.register_blueprint(liaison.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(coverage.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(field.bp)
    errors.register(app)
    context.register(app)
    security.register(app)
    app.cli.add_command(outreach_cli)
    if app.config["OUTREACH_PROXIES"]:
        # Behind a reverse proxy (docs/DEPLOY.md): the client's address and scheme as the
        # proxy saw them, trusting only as many hops as there are proxies — what the rate
        # limits and the audit log count by.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["OUTREACH_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    if app.config["OUTREACH_SCHEDULER"] == "background":
        from outreach.scheduler import start_in_background

        start_in_background(app)
    return app


def _configure_logging(app: Flask) -> None:
    """Timestamped INFO logs on stderr (scheduler runs, logins refused), unless already set up."""
    root = logging.getLogger()
    if app.testing or root.handlers:
        return
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic announces its plugins on every command; its migration steps still show during init.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
