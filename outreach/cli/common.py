"""What every command shares: the command group, failing with a message, common options."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

outreach_cli = AppGroup("outreach", help="Jemput Bola: set-up, data and planning commands.")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
DRY_RUN = click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")


def fail(message: str) -> None:
    """Say what went wrong on stderr and exit with status 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
