"""nik shown on the server: the one-time mark of an audited "show the full NIK" moves from the
browser's session cookie to the login session's row

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 08:00:00

Kept in the signed client-side cookie, the mark could be replayed: the cookie the redirect
carried, sent again within 30 seconds, showed the NIK again with no second audit event. On the
row, the page takes it out in one UPDATE, and a replayed cookie finds nothing. Two nullable
columns: SQLite adds them in place.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_sessions', sa.Column('nik_shown_resident_id', sa.Integer(), nullable=True))
    op.add_column('user_sessions', sa.Column('nik_shown_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in ('nik_shown_at', 'nik_shown_resident_id'):
        if sqlite:
            op.execute(f'ALTER TABLE user_sessions DROP COLUMN {column}')
        else:
            op.drop_column('user_sessions', column)
