"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

import sys

from outreach import create_app
from outreach.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # One line saying what to set, instead of a traceback.
    sys.stderr.write(f"Jemput Bola cannot start: {error}\n")
    raise SystemExit(1) from None
