"""Files that hold personal data — the SQLite database with its -wal and -shm files, backups,
exports written by a command — are readable by their owner only (0600), and the folders the app
creates for them by their owner only (0700), whatever the umask of the shell that started it."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE, FOLDER_MODE = 0o600, 0o700
PRIVATE_UMASK = 0o077
# What SQLite keeps beside a database while it is open (it gives them the database's mode).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def create_private_file(path: Path) -> None:
    """An empty file at ``path``, 0600 from its first moment (a stale one is replaced)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def private_folder(path: Path) -> None:
    """Create ``path`` (0700), or take group and others' access away from ours."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    tighten(path, FOLDER_MODE)


def private_sqlite_file(database: str | None) -> None:
    """Before SQLite opens ``database``: create it 0600 if it is new, or tighten it and the
    files beside it if an older install left them readable by others."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        for name in (path, *(path.with_name(path.name + tail) for tail in SQLITE_COMPANIONS)):
            tighten(name, FILE_MODE)
    except OSError:  # no such folder, not ours to write: SQLite's own error says so
        return


def tighten(path: Path, mode: int) -> None:
    """Take away from ``path`` what ``mode`` does not grant to group and others, when the file
    exists and is ours; a file we may not change is logged, not fatal."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    wider = stat.S_IMODE(found.st_mode) & ~mode & 0o077
    if not wider or found.st_uid != os.getuid():
        if wider:
            log.warning("%s is readable by others and not ours to change: chmod it", path)
        return
    try:
        path.chmod(stat.S_IMODE(found.st_mode) & ~wider)
    except OSError as error:
        log.warning("could not make %s private: %s", path, error.strerror)


@contextmanager
def private_umask() -> Iterator[None]:
    """Everything created inside is private. The umask is the process's: for a command (one
    thread), not for a web worker (systemd's UMask=0077 covers those)."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)
