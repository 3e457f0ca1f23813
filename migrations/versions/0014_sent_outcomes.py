"""sent outcomes: outcomes recorded on an officer's phone, each with the id the phone made, so a
replayed one is taken once; one the visit could no longer take is kept for the coordinator

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 12:00:00

A new table: nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

KINDS = ('school', 'home')
STATES = ('recorded', 'same', 'kept', 'resolved')
PROBLEMS = ('moved', 'cancelled', 'recorded_already', 'other_team', 'day_not_come')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table('sent_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum(KINDS, 'sent_kind'), nullable=False),
    sa.Column('state', _enum(STATES, 'sent_state'), nullable=False),
    sa.Column('problem', _enum(PROBLEMS, 'sent_problem'), nullable=True),
    sa.Column('values', sa.JSON(), nullable=True),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_sent_outcomes_visit_id_visits')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sent_outcomes_user_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_sent_outcomes_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_outcomes')),
    sa.UniqueConstraint('client_id', name=op.f('uq_sent_outcomes_client_id'))
    )
    with op.batch_alter_table('sent_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_outcomes_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index('ix_sent_outcomes_state_received_at', ['state', 'received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sent_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_sent_outcomes_state_received_at')
        batch_op.drop_index(batch_op.f('ix_sent_outcomes_visit_id'))
    op.drop_table('sent_outcomes')
