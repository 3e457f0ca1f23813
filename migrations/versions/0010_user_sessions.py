"""login sessions kept on the server: one row per login, ended by a logout, a password change or
reset, or a deactivation; the users' single session token goes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00

The login cookie carried users.session_token, one per user, changed only on a password reset or
a deactivation: a logout cleared the cookie but a copy of it kept working. Each login now has a
row of its own (the cookie carries a random token, the row its SHA-256), and a session ends on
the server. The old token goes: every login made before this revision ends with it.
SQLite cannot drop a UNIQUE column in place: users is rebuilt (batch mode), with foreign keys off
while it is, since the tables that refer to users would otherwise stop the old table's drop.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SESSION_ENDS = ('logout', 'password_changed', 'password_reset', 'deactivated')


def _alter_users(change) -> None:
    """Run a batch change of users; on SQLite outside the migration's transaction, foreign keys
    off, and checked afterwards."""
    if op.get_bind().dialect.name != 'sqlite':
        with op.batch_alter_table('users', schema=None) as batch_op:
            change(batch_op)
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
        try:
            with op.batch_alter_table('users', schema=None, recreate='always') as batch_op:
                change(batch_op)
            broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"rebuilding users broke foreign keys: {broken[:5]}")
        finally:
            op.execute("PRAGMA foreign_keys=ON")


def _drop_session_token(batch_op) -> None:
    batch_op.drop_constraint(batch_op.f('uq_users_session_token'), type_='unique')
    batch_op.drop_column('session_token')


def _restore_session_token(batch_op) -> None:
    batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
    batch_op.create_unique_constraint(batch_op.f('uq_users_session_token'), ['session_token'])


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.Enum(*SESSION_ENDS, name='session_end', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('remote_addr', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    _alter_users(_drop_session_token)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    # A fresh random token per user: every login made since ends, as it would have on upgrade.
    random = (
        "lower(hex(randomblob(24)))" if op.get_bind().dialect.name == 'sqlite'
        else "md5(random()::text || id::text) || md5(random()::text)"
    )
    op.execute(f"UPDATE users SET session_token = {random}")
    _alter_users(_restore_session_token)
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_created_at'))
    op.drop_table('user_sessions')
