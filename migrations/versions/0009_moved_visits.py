"""moved visits: a status of their own (no longer "cancelled" with a successor); the school's
count still to record before an outcome, kept on the visit so a correction can work it out again;
when the liaison's link was last sent; the visit a follow-up follows; a team's phone

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:20:00

A visit moved to another day was closed as "cancelled" and told apart from a real cancellation
by looking for its successor, in every query that counted a month. It is "moved" now; the
calendar's running totals (0008) leave out moved visits as they leave out cancelled ones.
SQLite cannot change a CHECK constraint in place: the table is rebuilt (batch mode, which keeps
its indexes) and its triggers, which a rebuilt table loses, are made again.
"""
import warnings

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STATUSES = ('proposed', 'confirmed', 'completed', 'cancelled', 'missed')
AWAY = {'upgrade': "('cancelled', 'moved')", 'downgrade': "('cancelled')"}


def _status_check(statuses) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


# --- the calendar's visits per day and kind (0008), for a set of statuses left out ---------

def _day_count_sql(away: str) -> dict[str, str]:
    old, new = f"OLD.status NOT IN {away}", f"NEW.status NOT IN {away}"
    add = (
        "INSERT INTO visit_day_counts (day, kind, visits) VALUES (NEW.visit_on, NEW.kind, 1) "
        "ON CONFLICT (day, kind) DO UPDATE SET visits = visit_day_counts.visits + 1"
    )
    remove = (
        "UPDATE visit_day_counts SET visits = visits - 1 "
        "WHERE day = OLD.visit_on AND kind = OLD.kind"
    )
    moved = f"({old}) <> ({new}) OR OLD.visit_on <> NEW.visit_on OR OLD.kind <> NEW.kind"
    return {'old': old, 'new': new, 'add': add, 'remove': remove, 'moved': moved, 'away': away}


def _day_counts_postgresql(away: str) -> None:
    sql = _day_count_sql(away)
    op.execute(
        "CREATE OR REPLACE FUNCTION visit_day_counts_kept() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN IF TG_OP = 'UPDATE' AND NOT ({sql['moved']}) THEN RETURN NULL; END IF; "
        f"IF TG_OP IN ('UPDATE', 'DELETE') AND {sql['old']} THEN {sql['remove']}; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') AND {sql['new']} THEN {sql['add']}; END IF; "
        "RETURN NULL; END $$"
    )


def _day_counts_sqlite(away: str) -> None:
    sql = _day_count_sql(away)
    op.execute(
        "CREATE TRIGGER visit_day_counts_insert AFTER INSERT ON visits "
        f"WHEN {sql['new']} BEGIN {sql['add']}; END"
    )
    op.execute(
        "CREATE TRIGGER visit_day_counts_update AFTER UPDATE OF status, visit_on, kind "
        f"ON visits WHEN {sql['moved']} BEGIN "
        f"UPDATE visit_day_counts SET visits = visits - 1 WHERE {sql['old']} "
        "AND day = OLD.visit_on AND kind = OLD.kind; "
        "INSERT INTO visit_day_counts (day, kind, visits) SELECT NEW.visit_on, NEW.kind, 1 "
        f"WHERE {sql['new']} ON CONFLICT (day, kind) "
        "DO UPDATE SET visits = visit_day_counts.visits + 1; END"
    )
    op.execute(
        "CREATE TRIGGER visit_day_counts_delete AFTER DELETE ON visits "
        f"WHEN {sql['old']} BEGIN {sql['remove']}; END"
    )


def _recount_days(away: str) -> None:
    op.execute("DELETE FROM visit_day_counts")
    op.execute(
        "INSERT INTO visit_day_counts (day, kind, visits) "
        f"SELECT visit_on, kind, count(*) FROM visits WHERE status NOT IN {away} "
        "GROUP BY visit_on, kind"
    )


# --- what completed visits recorded per day (0006), unchanged, made again on SQLite ----------

def _recording(row: str, sign: str, when: str = "TRUE") -> str:
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


OLD_COMPLETED, NEW_COMPLETED = "OLD.status = 'completed'", "NEW.status = 'completed'"


def _recordings_sqlite() -> None:
    columns = "status, visit_on, students_recorded, students_not_recorded, home_outcome"
    op.execute(
        "CREATE TRIGGER visits_recorded_insert AFTER INSERT ON visits "
        f"WHEN NEW.status = 'completed' BEGIN {_recording('NEW', '+')}; END"
    )
    op.execute(
        f"CREATE TRIGGER visits_recorded_update AFTER UPDATE OF {columns} ON visits "
        "WHEN OLD.status = 'completed' OR NEW.status = 'completed' BEGIN "
        f"{_recording('OLD', '-', OLD_COMPLETED)}; {_recording('NEW', '+', NEW_COMPLETED)}; END"
    )
    op.execute(
        "CREATE TRIGGER visits_recorded_delete AFTER DELETE ON visits "
        f"WHEN OLD.status = 'completed' BEGIN {_recording('OLD', '-')}; END"
    )


SQLITE_TRIGGERS = (
    'visit_day_counts_insert', 'visit_day_counts_update', 'visit_day_counts_delete',
    'visits_recorded_insert', 'visits_recorded_update', 'visits_recorded_delete',
)


def _alter_visits(statuses, *, add_column: bool, recreate: str) -> None:
    with op.batch_alter_table('visits', schema=None, recreate=recreate) as batch_op:
        batch_op.drop_constraint(op.f('ck_visits_visit_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_visits_visit_status'), _status_check(statuses))
        if add_column:
            batch_op.add_column(sa.Column('students_pending_before', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('link_sent_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('follows_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f('fk_visits_follows_id_visits'), 'visits', ['follows_id'], ['id']
            )
        else:
            batch_op.drop_constraint(batch_op.f('fk_visits_follows_id_visits'), type_='foreignkey')
            batch_op.drop_column('follows_id')
            batch_op.drop_column('students_pending_before')
            batch_op.drop_column('link_sent_at')


def _rebuild(statuses, *, add_column: bool, away: str) -> None:
    """Change the status CHECK (and the new column) and keep the triggers in step."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    # Reflecting visits reflects the tables it refers to; SQLite cannot reflect the residents'
    # expression index (untouched here) and says so.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        _alter_visits(statuses, add_column=add_column, recreate='always' if sqlite else 'auto')
    if sqlite:
        _day_counts_sqlite(away)
        _recordings_sqlite()
    else:
        _day_counts_postgresql(away)


def upgrade():
    _rebuild((*STATUSES, 'moved'), add_column=True, away=AWAY['upgrade'])
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE visits SET status = 'moved' WHERE status = 'cancelled' AND EXISTS "
        "(SELECT 1 FROM visits AS later WHERE later.replaces_id = visits.id)"
    )
    _recount_days(AWAY['upgrade'])


def downgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('phone')
    op.execute("UPDATE visits SET status = 'cancelled' WHERE status = 'moved'")
    _rebuild(STATUSES, add_column=False, away=AWAY['downgrade'])
    _recount_days(AWAY['downgrade'])
