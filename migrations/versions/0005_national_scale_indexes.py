"""national scale: indexes for the calendar, the dashboard, the resident queue and moves

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_visits_replaces_id', table_name='visits')
    op.create_index(
        'ix_visits_replaces_id', 'visits', ['replaces_id'],
        sqlite_where=sa.text('replaces_id IS NOT NULL'),
        postgresql_where=sa.text('replaces_id IS NOT NULL'),
    )
    op.create_index(
        'ix_visits_kind_visit_on_team_id', 'visits', ['kind', 'visit_on', 'team_id', 'status']
    )
    op.create_index(
        'ix_visits_recorded_totals',
        'visits',
        ['status', 'visit_on', 'students_recorded', 'students_not_recorded', 'home_outcome'],
    )
    op.create_index(
        'ix_residents_priority',
        'residents',
        [sa.text('is_bedridden DESC'), sa.text('(birth_on IS NULL)'), 'birth_on', 'requested_on',
         'id', 'status'],
    )
    op.create_index(
        'ix_residents_status_kelurahan', 'residents', ['status', 'kelurahan_code', 'requested_on']
    )


def downgrade():
    op.drop_index('ix_residents_status_kelurahan', table_name='residents')
    op.drop_index('ix_residents_priority', table_name='residents')
    op.drop_index('ix_visits_recorded_totals', table_name='visits')
    op.drop_index('ix_visits_kind_visit_on_team_id', table_name='visits')
    op.drop_index('ix_visits_replaces_id', table_name='visits')
    op.create_index('ix_visits_replaces_id', 'visits', ['replaces_id'])
