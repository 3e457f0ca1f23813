"""Import files are kept only for their preview: a day at most, and only for their uploader."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from outreach.errors import NotFound
from outreach.jobs import purge_uploads
from outreach.models import ImportUpload, Role, utcnow
from outreach.services.uploads import get_upload, purge_stale_uploads, store_upload


def test_an_upload_is_kept_for_a_day_for_its_uploader_only(db_session, make_user):
    owner, other = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    now = utcnow()
    upload = store_upload(
        db_session, now=now, user=owner, kind="schools", filename="a.csv", content=b"npsn\n"
    )
    assert get_upload(db_session, upload.token, user=owner, kind="schools", now=now) is upload
    for user, kind, when in (
        (other, "schools", now),
        (owner, "residents", now),
        (owner, "schools", now + timedelta(days=1, minutes=1)),
    ):
        with pytest.raises(NotFound):
            get_upload(db_session, upload.token, user=user, kind=kind, now=when)


def test_stale_uploads_are_purged_by_the_hourly_job(app, db_session, make_user):
    user = make_user(Role.COORDINATOR)
    old = utcnow() - timedelta(days=2)
    store_upload(db_session, now=old, user=user, kind="schools", filename="a.csv", content=b"x")
    store_upload(
        db_session, now=utcnow(), user=user, kind="schools", filename="b.csv", content=b"y"
    )
    db_session.commit()
    purge_uploads(app)
    db_session.rollback()
    names = db_session.scalars(select(ImportUpload.filename)).all()
    assert names == ["b.csv"]
    assert purge_stale_uploads(db_session, now=utcnow()) == 0
    assert db_session.scalar(select(func.count()).select_from(ImportUpload)) == 1
