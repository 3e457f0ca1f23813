"""record versions: schools, residents (home-visit requests) and teams get a version counter
for concurrent edits, as visits have had since 0001

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 12:00:00

Two coordinators editing the same school saved one after the other and the second overwrote the
first without knowing. Each form now carries the version it showed, and every UPDATE raises it
(SQLAlchemy's version_id_col), so the second is told. Existing rows start at 1.
SQLite adds the column in place, its CHECK as a column constraint (ALTER TABLE ADD COLUMN
accepts one): no table rebuild, so the residents' triggers and expression index stay as they are;
DROP COLUMN takes the column and its own constraint away again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('schools', 'residents', 'teams')


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in TABLES:
        check = f'ck_{table}_version_positive'
        if sqlite:
            op.execute(
                f'ALTER TABLE {table} ADD COLUMN version INTEGER DEFAULT 1 NOT NULL '
                f'CONSTRAINT {check} CHECK (version >= 1)'
            )
        else:
            op.add_column(
                table, sa.Column('version', sa.Integer(), server_default='1', nullable=False)
            )
            op.create_check_constraint(check, table, 'version >= 1')


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in TABLES:
        if sqlite:
            op.execute(f'ALTER TABLE {table} DROP COLUMN version')
        else:
            op.drop_constraint(f'ck_{table}_version_positive', table, type_='check')
            op.drop_column(table, 'version')
