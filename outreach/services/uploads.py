"""Uploaded import files, kept only until their preview is confirmed or discarded (or a day)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from outreach.domain.text import clean_line, is_token
from outreach.errors import NotFound
from outreach.models import ImportUpload, User

KEEP_FOR = timedelta(days=1)


def store_upload(
    session: Session, *, now: datetime, user: User, kind: str, filename: str, content: bytes
) -> ImportUpload:
    """Keep ``content`` for its preview; uploads older than a day are purged on the way."""
    purge_stale_uploads(session, now=now)
    upload = ImportUpload(
        kind=kind,
        filename=(clean_line(filename) or "upload")[-255:],  # shown on pages, in the audit log
        content=content,
        uploaded_by_id=user.id,
        uploaded_at=now,
    )
    session.add(upload)
    session.flush()
    return upload


def get_upload(
    session: Session, token: str, *, user: User, kind: str, now: datetime
) -> ImportUpload:
    """The user's own upload of this kind, not expired; NotFound otherwise."""
    upload = is_token(token) and session.scalar(
        select(ImportUpload).where(
            ImportUpload.token == token,
            ImportUpload.kind == kind,
            ImportUpload.uploaded_by_id == user.id,
            ImportUpload.uploaded_at >= now - KEEP_FOR,
        )
    )
    if not upload:
        raise NotFound(_l("This upload is no longer available: upload the file again."))
    return upload


def discard_upload(session: Session, upload: ImportUpload) -> None:
    session.delete(upload)
    session.flush()


def purge_stale_uploads(session: Session, *, now: datetime) -> int:
    """Delete uploads nobody confirmed within a day; how many went."""
    result = session.execute(delete(ImportUpload).where(ImportUpload.uploaded_at < now - KEEP_FOR))
    return result.rowcount or 0
