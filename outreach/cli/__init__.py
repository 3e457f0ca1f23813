"""The ``flask --app wsgi outreach …`` commands. Each is a view without a request: parse the
arguments, call services, commit once, print what happened.

One module per kind of command: ``setup`` (database, users, teams, demo data, the scheduler,
backups), ``data`` (imports and exports), ``planning`` (the plans).
"""

from outreach.cli import data, planning, setup  # noqa: F401 - importing registers the commands
from outreach.cli.common import outreach_cli

__all__ = ["outreach_cli"]
