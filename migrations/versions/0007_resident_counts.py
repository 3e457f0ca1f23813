"""resident counts per kecamatan and status (replacing waiting counts), kept by triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 05:00:00

The resident queue counted its tabs (requests per status) and its pages over 250,000 residents
on every view: about 170 ms on PostgreSQL at national scale. The dashboard's waiting counts
(0006) become the 'waiting' rows of this table.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _add(row: str = "NEW") -> str:
    """One more request of ``row``'s status in the kecamatan of its kelurahan."""
    return (
        "INSERT INTO resident_counts (kecamatan_code, status, residents) "
        f"SELECT kecamatan_code, {row}.status, 1 FROM kelurahan WHERE code = {row}.kelurahan_code "
        "ON CONFLICT (kecamatan_code, status) "
        "DO UPDATE SET residents = resident_counts.residents + 1"
    )


def _remove(row: str = "OLD") -> str:
    """One request fewer of ``row``'s status in the kecamatan of its kelurahan."""
    return (
        "UPDATE resident_counts SET residents = residents - 1 WHERE status = OLD.status "
        "AND kecamatan_code = (SELECT kecamatan_code FROM kelurahan WHERE code = OLD.kelurahan_code)"
    )


CHANGED = "OLD.status <> NEW.status OR OLD.kelurahan_code <> NEW.kelurahan_code"


def upgrade():
    _drop_waiting_counts()
    op.create_table(
        'resident_counts',
        sa.Column('kecamatan_code', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('residents', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['kecamatan_code'], ['kecamatan.code'],
                                name=op.f('fk_resident_counts_kecamatan_code_kecamatan'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('kecamatan_code', 'status', name=op.f('pk_resident_counts')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION resident_counts_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({CHANGED})) THEN {_remove()}; "
            "END IF; "
            f"IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND ({CHANGED})) THEN {_add()}; "
            "END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER resident_counts_kept "
            "AFTER INSERT OR DELETE OR UPDATE OF status, kelurahan_code ON residents "
            "FOR EACH ROW EXECUTE FUNCTION resident_counts_kept()"
        )
    else:
        op.execute(
            "CREATE TRIGGER resident_counts_insert AFTER INSERT ON residents "
            f"BEGIN {_add()}; END"
        )
        op.execute(
            "CREATE TRIGGER resident_counts_update AFTER UPDATE OF status, kelurahan_code "
            f"ON residents WHEN {CHANGED} BEGIN {_remove()}; {_add()}; END"
        )
        op.execute(
            "CREATE TRIGGER resident_counts_delete AFTER DELETE ON residents "
            f"BEGIN {_remove()}; END"
        )
    op.execute(
        "INSERT INTO resident_counts (kecamatan_code, status, residents) "
        "SELECT kelurahan.kecamatan_code, residents.status, count(*) FROM residents "
        "JOIN kelurahan ON kelurahan.code = residents.kelurahan_code "
        "GROUP BY kelurahan.kecamatan_code, residents.status"
    )


def _drop_waiting_counts():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER residents_waiting_count ON residents")
        op.execute("DROP FUNCTION residents_waiting_count()")
    else:
        for name in ('residents_waiting_delete', 'residents_waiting_update',
                     'residents_waiting_insert'):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('waiting_counts')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER resident_counts_kept ON residents")
        op.execute("DROP FUNCTION resident_counts_kept()")
    else:
        for name in ('resident_counts_delete', 'resident_counts_update', 'resident_counts_insert'):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('resident_counts')
    _restore_waiting_counts()


def _restore_waiting_counts():
    """0006's waiting counts, with its triggers and figures."""
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    spec = spec_from_file_location(
        "dashboard_totals_0006", Path(__file__).with_name("0006_dashboard_totals.py")
    )
    previous = module_from_spec(spec)
    spec.loader.exec_module(previous)
    add, remove = previous._add_waiting, previous._remove_waiting
    old_waiting, new_waiting = previous.OLD_WAITING, previous.NEW_WAITING
    op.create_table(
        'waiting_counts',
        sa.Column('kecamatan_code', sa.String(length=8), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['kecamatan_code'], ['kecamatan.code'],
                                name=op.f('fk_waiting_counts_kecamatan_code_kecamatan'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('kecamatan_code', name=op.f('pk_waiting_counts')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION residents_waiting_count() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP IN ('UPDATE', 'DELETE') AND {old_waiting} THEN {remove()}; "
            f"END IF; IF TG_OP IN ('INSERT', 'UPDATE') AND {new_waiting} THEN {add()}; "
            "END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER residents_waiting_count "
            "AFTER INSERT OR DELETE OR UPDATE OF status, kelurahan_code ON residents "
            "FOR EACH ROW EXECUTE FUNCTION residents_waiting_count()"
        )
    else:
        op.execute(
            "CREATE TRIGGER residents_waiting_insert AFTER INSERT ON residents "
            f"WHEN {new_waiting} BEGIN {add()}; END"
        )
        op.execute(
            "CREATE TRIGGER residents_waiting_update AFTER UPDATE OF status, kelurahan_code "
            f"ON residents WHEN {old_waiting} OR {new_waiting} BEGIN "
            f"{remove(old_waiting)}; {add(new_waiting)}; END"
        )
        op.execute(
            "CREATE TRIGGER residents_waiting_delete AFTER DELETE ON residents "
            f"WHEN {old_waiting} BEGIN {remove()}; END"
        )
    op.execute(
        "INSERT INTO waiting_counts (kecamatan_code, waiting) "
        "SELECT kelurahan.kecamatan_code, count(*) FROM residents "
        "JOIN kelurahan ON kelurahan.code = residents.kelurahan_code "
        "WHERE residents.status = 'waiting' GROUP BY kelurahan.kecamatan_code"
    )
