"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import ARTIFACTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
        pytest.skip("browser tests need Debian's chromium (`make test` installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test's app served on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves a full-page PNG under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def open_logged_in(browser, live_server: str, user, viewport: dict, password: str):
    """A new browser context logged in as ``user``: (context, page, console errors).

    Console errors are a CSP violation or a broken script; the browser's note about a page
    answered 422 (a refused form, shown again with its messages) is not one.
    """
    context = browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and "status of 422" not in m.text and errors.append(m.text),
    )
    page.goto(live_server + "/login")
    page.fill("#username", user.username)
    page.fill("#password", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(live_server + "/")
    return context, page, errors
