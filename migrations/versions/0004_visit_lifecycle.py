"""visit lifecycle: liaison link nonce, iCalendar UID and SEQUENCE on visits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_nonce', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('ical_uid', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
    # Existing visits get a UID of their own; a moved visit takes its predecessor's.
    op.execute("UPDATE visits SET ical_uid = 'visit-' || CAST(id AS VARCHAR(20))")
    op.execute(
        "UPDATE visits SET ical_uid = (SELECT old.ical_uid FROM visits AS old"
        " WHERE old.id = visits.replaces_id) WHERE replaces_id IS NOT NULL"
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.alter_column('ical_uid', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('sequence', server_default=None, existing_type=sa.Integer(),
                              existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_visits_ical_uid'), ['ical_uid'], unique=False)
        batch_op.create_check_constraint(op.f('ck_visits_sequence_not_negative'), 'sequence >= 0')


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_visits_sequence_not_negative'), type_='check')
        batch_op.drop_index(batch_op.f('ix_visits_ical_uid'))
        batch_op.drop_column('sequence')
        batch_op.drop_column('ical_uid')
        batch_op.drop_column('link_nonce')
