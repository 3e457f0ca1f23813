"""The load run: gunicorn with four workers and one scheduler process on the benchmark's
database, and logged-in clients on 127.0.0.1 asking for the main pages in a bounded loop.

Each client is a thread with its own keep-alive connection and session (it logs in through the
real form, CSRF token included). Reports throughput, p50 and p99 latency and every error.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKERS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def servers(url: str, instance: Path):
    """gunicorn (4 workers) and the scheduler process, stopped on the way out."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "SESSION_COOKIE_SECURE": "false",
        "OUTREACH_SCHEDULER": "off",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": "100 per minute",
    }
    logs = instance / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--access-logfile", "-", "wsgi:app"],
        cwd=ROOT, env=env, stdout=(logs / "gunicorn.out").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    scheduler = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "outreach", "scheduler"],
        cwd=ROOT, env=env, stdout=(logs / "scheduler.out").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(port, web)
        yield port
    finally:
        for process in (web, scheduler):
            process.terminate()
        for process in (web, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(port: int, web: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise RuntimeError("gunicorn stopped at start; see its log in the bench folder")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()  # an unclosed socket is a ResourceWarning, an error in the tests
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


class Client:
    """One logged-in user on a keep-alive connection."""

    def __init__(self, port: int, username: str, password: str):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        login = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', login.body)
        if token is None:
            raise RuntimeError("the login page has no CSRF token")
        form = {"csrf_token": token.group(1).decode(), "username": username, "password": password}
        answer = self.request("POST", "/login", urllib.parse.urlencode(form))
        if answer.status != 302:
            raise RuntimeError(f"logging in answered {answer.status}")

    class Answer:
        def __init__(self, status: int, body: bytes):
            self.status, self.body = status, body

    def get(self, path: str):
        return self.request("GET", path)

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return self.Answer(response.status, data)


def run(url: str, instance: Path, paths: list[str], *, seconds: float, clients: int) -> dict:
    from tests.bench.dataset import PASSWORD

    with servers(url, instance) as port:
        users = [Client(port, "koordinator", PASSWORD) for _ in range(clients)]
        for user in users:  # every worker warm: templates compiled, pools filled
            for path in paths:
                user.get(path)
        latencies: dict[str, list[float]] = {path: [] for path in paths}
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def loop(user: Client, offset: int) -> None:
            n = offset
            while time.monotonic() < stop_at:
                path = paths[n % len(paths)]
                n += 1
                started = time.perf_counter()
                try:
                    answer = user.get(path)
                    problem = None if answer.status == 200 else f"{path}: {answer.status}"
                except (OSError, http.client.HTTPException) as error:
                    problem = f"{path}: {error!r}"
                    user.connection.close()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[path].append(elapsed)
                    if problem:
                        errors.append(problem)

        started = time.monotonic()
        threads = [threading.Thread(target=loop, args=(u, i)) for i, u in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    every = sorted(t for times in latencies.values() for t in times)
    return {
        "workers": WORKERS,
        "scheduler_process": True,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "errors": len(errors),
        "error_examples": errors[:5],
        "throughput_per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(_percentile(every, 50) * 1000, 1),
        "p99_ms": round(_percentile(every, 99) * 1000, 1),
        "pages": {
            path: {
                "requests": len(times),
                "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
                "p99_ms": round(_percentile(sorted(times), 99) * 1000, 1) if times else None,
            }
            for path, times in latencies.items()
        },
    }


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]
