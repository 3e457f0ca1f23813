"""dashboard totals: residents waiting per kecamatan and recordings per day, kept by triggers;
an index for the visit list by kind and status

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 04:40:00

The dashboard read these by aggregating whole tables (250,000 residents, a year of visits):
about 300 ms at national scale. Triggers keep them on every insert, update and delete, so no
code path (forms, imports, planners, bulk writes, the benchmark's data set) can forget them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None



def _add_waiting(when: str = "TRUE") -> str:
    """One more resident waiting in the kecamatan of NEW's kelurahan (when ``when``)."""
    return (
        "INSERT INTO waiting_counts (kecamatan_code, waiting) "
        f"SELECT kecamatan_code, 1 FROM kelurahan WHERE code = NEW.kelurahan_code AND {when} "
        "ON CONFLICT (kecamatan_code) DO UPDATE SET waiting = waiting_counts.waiting + 1"
    )


def _remove_waiting(when: str = "TRUE") -> str:
    """One resident fewer waiting in the kecamatan of OLD's kelurahan (when ``when``)."""
    return (
        "UPDATE waiting_counts SET waiting = waiting - 1 WHERE kecamatan_code = "
        f"(SELECT kecamatan_code FROM kelurahan WHERE code = OLD.kelurahan_code) AND {when}"
    )


def _recording(row: str, sign: str, when: str = "TRUE") -> str:
    """Add (sign +) or take away (sign -) a completed visit's figures on its day."""
    return (
        "INSERT INTO daily_recordings "
        "(day, students_recorded, students_not_recorded, residents_recorded) "
        f"SELECT {row}.visit_on, {sign}COALESCE({row}.students_recorded, 0), "
        f"{sign}COALESCE({row}.students_not_recorded, 0), "
        f"{sign}(CASE WHEN {row}.home_outcome = 'recorded' THEN 1 ELSE 0 END) WHERE {when} "
        "ON CONFLICT (day) DO UPDATE SET "
        "students_recorded = daily_recordings.students_recorded + excluded.students_recorded, "
        "students_not_recorded = daily_recordings.students_not_recorded "
        "+ excluded.students_not_recorded, "
        "residents_recorded = daily_recordings.residents_recorded + excluded.residents_recorded"
    )


OLD_WAITING, NEW_WAITING = "OLD.status = 'waiting'", "NEW.status = 'waiting'"
OLD_COMPLETED, NEW_COMPLETED = "OLD.status = 'completed'", "NEW.status = 'completed'"
VISIT_COLUMNS = "status, visit_on, students_recorded, students_not_recorded, home_outcome"


def upgrade():
    op.create_table(
        'waiting_counts',
        sa.Column('kecamatan_code', sa.String(length=8), nullable=False),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['kecamatan_code'], ['kecamatan.code'],
                                name=op.f('fk_waiting_counts_kecamatan_code_kecamatan'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('kecamatan_code', name=op.f('pk_waiting_counts')),
    )
    op.create_table(
        'daily_recordings',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('students_recorded', sa.Integer(), nullable=False),
        sa.Column('students_not_recorded', sa.Integer(), nullable=False),
        sa.Column('residents_recorded', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_daily_recordings')),
    )
    # The dashboard no longer sums visits: its covering index gives way to the visit list's.
    op.drop_index('ix_visits_recorded_totals', table_name='visits')
    op.create_index(
        'ix_visits_kind_status_visit_on', 'visits',
        ['kind', 'status', 'visit_on', 'team_id', 'route_order'],
    )
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    op.execute(
        "INSERT INTO waiting_counts (kecamatan_code, waiting) "
        "SELECT kelurahan.kecamatan_code, count(*) FROM residents "
        "JOIN kelurahan ON kelurahan.code = residents.kelurahan_code "
        "WHERE residents.status = 'waiting' GROUP BY kelurahan.kecamatan_code"
    )
    op.execute(
        "INSERT INTO daily_recordings "
        "(day, students_recorded, students_not_recorded, residents_recorded) "
        "SELECT visit_on, COALESCE(SUM(students_recorded), 0), "
        "COALESCE(SUM(students_not_recorded), 0), "
        "SUM(CASE WHEN home_outcome = 'recorded' THEN 1 ELSE 0 END) "
        "FROM visits WHERE status = 'completed' GROUP BY visit_on"
    )


def _sqlite_triggers():
    op.execute(
        "CREATE TRIGGER residents_waiting_insert AFTER INSERT ON residents "
        f"WHEN NEW.status = 'waiting' BEGIN {_add_waiting()}; END"
    )
    op.execute(
        "CREATE TRIGGER residents_waiting_update AFTER UPDATE OF status, kelurahan_code "
        "ON residents WHEN OLD.status = 'waiting' OR NEW.status = 'waiting' BEGIN "
        f"{_remove_waiting(OLD_WAITING)}; {_add_waiting(NEW_WAITING)}; END"
    )
    op.execute(
        "CREATE TRIGGER residents_waiting_delete AFTER DELETE ON residents "
        f"WHEN OLD.status = 'waiting' BEGIN {_remove_waiting()}; END"
    )
    op.execute(
        "CREATE TRIGGER visits_recorded_insert AFTER INSERT ON visits "
        f"WHEN NEW.status = 'completed' BEGIN {_recording('NEW', '+')}; END"
    )
    op.execute(
        f"CREATE TRIGGER visits_recorded_update AFTER UPDATE OF {VISIT_COLUMNS} ON visits "
        "WHEN OLD.status = 'completed' OR NEW.status = 'completed' BEGIN "
        f"{_recording('OLD', '-', OLD_COMPLETED)}; {_recording('NEW', '+', NEW_COMPLETED)}; END"
    )
    op.execute(
        "CREATE TRIGGER visits_recorded_delete AFTER DELETE ON visits "
        f"WHEN OLD.status = 'completed' BEGIN {_recording('OLD', '-')}; END"
    )


def _postgresql_triggers():
    op.execute(
        "CREATE FUNCTION residents_waiting_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waiting' THEN {_remove_waiting()}; "
        "END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'waiting' THEN {_add_waiting()}; "
        "END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER residents_waiting_count "
        "AFTER INSERT OR DELETE OR UPDATE OF status, kelurahan_code ON residents "
        "FOR EACH ROW EXECUTE FUNCTION residents_waiting_count()"
    )
    op.execute(
        "CREATE FUNCTION visits_recorded_total() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'completed' THEN "
        f"{_recording('OLD', '-')}; END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'completed' THEN "
        f"{_recording('NEW', '+')}; END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER visits_recorded_total "
        f"AFTER INSERT OR DELETE OR UPDATE OF {VISIT_COLUMNS} ON visits "
        "FOR EACH ROW EXECUTE FUNCTION visits_recorded_total()"
    )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER visits_recorded_total ON visits")
        op.execute("DROP FUNCTION visits_recorded_total()")
        op.execute("DROP TRIGGER residents_waiting_count ON residents")
        op.execute("DROP FUNCTION residents_waiting_count()")
    else:
        for name in ('visits_recorded_delete', 'visits_recorded_update', 'visits_recorded_insert',
                     'residents_waiting_delete', 'residents_waiting_update',
                     'residents_waiting_insert'):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('daily_recordings')
    op.drop_table('waiting_counts')
    op.drop_index('ix_visits_kind_status_visit_on', table_name='visits')
    op.create_index(
        'ix_visits_recorded_totals',
        'visits',
        ['status', 'visit_on', 'students_recorded', 'students_not_recorded', 'home_outcome'],
    )
