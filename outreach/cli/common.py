"""What every command shares: the command group, calling a service (``attempt``), failing with
a message, common options."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from outreach.domain.problems import Invalid
from outreach.errors import DomainError
from outreach.extensions import db

T = TypeVar("T")

outreach_cli = AppGroup("outreach", help="Jemput Bola: set-up, data and planning commands.")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
DRY_RUN = click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")


def fail(message: str) -> None:
    """Say what went wrong on stderr and exit with status 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def attempt(call: Callable[[], T]) -> T:
    """Call a service for a command, the one way every command does: a refusal (a DomainError,
    or an ``Invalid`` file) rolls the transaction back and ends the command with its message
    and status 1. The caller commits on success."""
    try:
        return call()
    except Invalid as error:
        db.session.rollback()
        fail(_(error.message, **error.params))
    except DomainError as error:
        db.session.rollback()
        fail(str(error.message))
    raise AssertionError("unreachable")  # fail() exits
