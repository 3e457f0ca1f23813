"""Faults: concurrent writers on SQLite, the database going away and coming back."""

from __future__ import annotations

import socket
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outreach import create_app
from outreach.extensions import db
from outreach.models import OfficeClosure, Role
from tests.conftest import PASSWORD, IsolatedClient, base_config


def test_concurrent_writers_on_sqlite_wait_their_turn_instead_of_failing(app, make_user):
    """Eight coordinators add closures at the same moment: SQLite lets one write at a time;
    the others wait (the busy timeout) rather than being shown "database is locked"."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer; PostgreSQL writers do not lock each other here")
    names = [make_user(Role.COORDINATOR).username for _ in range(8)]
    app.test_client_class = IsolatedClient
    start = threading.Barrier(len(names))

    def coordinator(n: int) -> list[int]:
        client = app.test_client()
        assert (
            client.post("/login", data={"username": names[n], "password": PASSWORD}).status_code
            == 302
        )
        start.wait()
        statuses = []
        for k in range(12):
            day = date(2027, 1, 4) + timedelta(days=n * 20 + k)
            response = client.post(
                "/closures", data={"first_on": day.isoformat(), "name": f"Uji {n}-{k}"}
            )
            statuses.append(response.status_code)
        return statuses

    with ThreadPoolExecutor(len(names)) as pool:
        statuses = [s for result in pool.map(coordinator, range(len(names))) for s in result]
    assert statuses == [302] * 96
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(OfficeClosure)) == 96


# --- the database going away -------------------------------------------------------------------


def logged_in_app(config: dict, user):
    """An app of its own on ``config``, and a client logged in as ``user``."""
    app = create_app(config)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return app, client


class Proxy:
    """A TCP relay to PostgreSQL that can be cut (every connection dropped, new ones refused)
    and restored on the same port: the database "going away" as a network or server outage
    looks to the app."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen()
        self.up = threading.Event()
        self.up.set()
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.up.clear()
        with self.lock:
            for connection in self.open:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self.open.clear()

    def restore(self):
        self.up.set()

    def close(self):
        self.cut()
        self.listener.close()


def test_the_database_going_away_gets_503s_and_the_app_recovers_when_it_returns(
    database_url, tmp_path, make_user
):
    user = make_user(Role.COORDINATOR)
    proxy = None
    if database_url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
        app_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        go_away, come_back = proxy.cut, proxy.restore
    else:  # the file's folder disappears (a lost mount), then comes back
        folder = tmp_path / "data"
        folder.mkdir()
        path = folder / "outreach.sqlite"
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as source:
            source.backup(copy := sqlite3.connect(path))  # WAL included
        copy.close()
        app_url = f"sqlite:///{path}"

        def go_away():
            folder.rename(tmp_path / "gone")
            with app.app_context():  # open files outlive a rename: the next connection fails
                db.engine.dispose()

        def come_back():
            (tmp_path / "gone").rename(folder)

    app, client = logged_in_app(base_config(app_url), user)
    try:
        assert client.get("/schools").status_code == 200
        assert client.get("/healthz").status_code == 200

        go_away()
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json() == {"status": "error", "database": "error"}
        page = client.get("/schools")
        assert page.status_code == 503
        assert "Basis data sedang tidak dapat dihubungi" in page.get_data(as_text=True)

        come_back()
        assert client.get("/healthz").status_code == 200
        page = client.get("/schools")
        assert page.status_code == 200, page.get_data(as_text=True)[:300]
    finally:
        with app.app_context():
            db.engine.dispose()
        if proxy is not None:
            proxy.close()


def test_a_writer_kept_waiting_past_the_busy_timeout_is_told_the_database_is_busy(
    database_url, make_user, tmp_path
):
    """Only when another writer holds SQLite longer than the busy timeout does a request give
    up: it says the database is busy (not unreachable), asks to retry, and saved nothing."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    user = make_user(Role.COORDINATOR)
    path = database_url.removeprefix("sqlite:///")
    config = base_config(database_url, OUTREACH_SQLITE_BUSY_TIMEOUT_MS=200)
    app, client = logged_in_app(config, user)
    blocker = sqlite3.connect(path, timeout=5)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another writer, busy for a long while
        response = client.post("/closures", data={"first_on": "2027-03-01", "name": "Uji sibuk"})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "Basis data sedang sibuk" in response.get_data(as_text=True)
    finally:
        blocker.rollback()
        blocker.close()
        with app.app_context():
            db.engine.dispose()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OfficeClosure)) == 0
        db.engine.dispose()
