"""gunicorn settings for Jemput Bola in production (docs/DEPLOY.md).

    gunicorn -c docs/deploy/gunicorn.conf.py wsgi:app

Read from the environment: BIND (default 127.0.0.1:8000, behind nginx), WEB_CONCURRENCY (the
number of workers, default 2 per core + 1). Everything else the app reads itself (DATABASE_URL,
SECRET_KEY, …: docs/DEPLOY.md).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request that takes longer than this is stuck (the slowest page answers in well under a
# second at national scale; imports and exports in seconds).
timeout = 120
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so no slow leak grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# Each worker builds its own app: its own database connections, nothing shared across fork.
preload_app = False
accesslog = "-"
errorlog = "-"
loglevel = "info"
# Only nginx on this machine may say who the client is (OUTREACH_PROXIES=1 for the app).
forwarded_allow_ips = "127.0.0.1"
limit_request_line = 8190


def on_starting(server):
    # The scheduler is a process of its own (`flask --app wsgi outreach scheduler`), never a
    # thread inside the workers, whatever the environment says.
    if os.environ.get("OUTREACH_SCHEDULER", "off") != "off":
        server.log.warning(
            "OUTREACH_SCHEDULER=%s ignored: gunicorn workers never run the scheduler",
            os.environ["OUTREACH_SCHEDULER"],
        )
    os.environ["OUTREACH_SCHEDULER"] = "off"
