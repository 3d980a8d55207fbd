"""Report schedules: a round says which monitoring reports its awards send, when, and what each asks.

- ``report_schedule_items``: one row per report in a schedule. A round's rows are
  its default schedule; at offer they are copied to the award (its own rows, which
  an officer may change until the group accepts). Each row holds when the report is
  due (months after acceptance, and on an award the date itself once known), its
  long-text questions (stable keys) and whether it asks how many people took part,
  what was spent and for photos. An accepted award's rows point at their report.

Until now every award had one end-of-grant report a year after acceptance, with
questions fixed in code. Every existing round gets that as its default schedule,
and every existing award a one-row schedule: due on its report's due date (or
``awards.report_due_on``), linked to its existing report. Nothing a group wrote
changes.

Going down drops the table: the schedules go (rounds and awards fall back to one
report a year after acceptance); every report, its answers and due date stay.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The report as it was asked until now; the migration never imports the app.
TITLE = "End-of-grant report"
MONTHS_AFTER = 12
QUESTIONS = [
    {"key": "what_happened", "label": "What happened?", "hint": "What you did with the grant, and when.",
     "word_limit": 500},
    {"key": "story", "label": "Tell us a short story",
     "hint": "One person's experience, in their words if they agree. Leave out anything that could identify them.",
     "word_limit": 300},
    {"key": "learned", "label": "What did your group learn?",
     "hint": "What went well, what you would do differently, and what you would tell another group.",
     "word_limit": 300},
]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "report_schedule_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("asks_people_reached", sa.Boolean(), nullable=False),
        sa.Column("asks_spending", sa.Boolean(), nullable=False),
        sa.Column("allows_photos", sa.Boolean(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(round_id IS NULL AND award_id IS NOT NULL) OR (round_id IS NOT NULL AND award_id IS NULL)",
            name=op.f("ck_report_schedule_items_one_owner"),
        ),
        sa.CheckConstraint(
            "months_after >= 0 AND months_after <= 120", name=op.f("ck_report_schedule_items_months_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_report_schedule_items_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_report_schedule_items_award_id_awards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["monitoring_reports.id"],
            name=op.f("fk_report_schedule_items_report_id_monitoring_reports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedule_items")),
        sa.UniqueConstraint("report_id", name=op.f("uq_report_schedule_items_report_id")),
    )
    op.create_index("ix_report_schedule_items_round_id", "report_schedule_items", ["round_id"])
    op.create_index("ix_report_schedule_items_award_id", "report_schedule_items", ["award_id"])

    connection = op.get_bind()
    items = sa.table(
        "report_schedule_items",
        sa.column("round_id", sa.Integer()),
        sa.column("award_id", sa.Integer()),
        sa.column("position", sa.Integer()),
        sa.column("title", sa.String()),
        sa.column("months_after", sa.Integer()),
        sa.column("due_on", sa.Date()),
        sa.column("questions", sa.JSON()),
        sa.column("asks_people_reached", sa.Boolean()),
        sa.column("asks_spending", sa.Boolean()),
        sa.column("allows_photos", sa.Boolean()),
        sa.column("report_id", sa.Integer()),
    )
    common = {
        "position": 1,
        "title": TITLE,
        "months_after": MONTHS_AFTER,
        "questions": [dict(question) for question in QUESTIONS],
        "asks_people_reached": True,
        "asks_spending": True,
        "allows_photos": True,
    }
    rows = [
        common | {"round_id": round_id, "award_id": None, "due_on": None, "report_id": None}
        for (round_id,) in connection.execute(sa.text("SELECT id FROM rounds ORDER BY id"))
    ]
    reports: dict[int, list[int]] = {}
    for report_id, award_id in connection.execute(
        sa.text("SELECT id, award_id FROM monitoring_reports ORDER BY award_id, due_on, id")
    ):
        reports.setdefault(award_id, []).append(report_id)
    for (award_id,) in connection.execute(sa.text("SELECT id FROM awards ORDER BY id")):
        # One entry per report the award already has (there is one; more would each keep their own).
        made: list[int | None] = list(reports.get(award_id) or [None])
        for position, report_id in enumerate(made, start=1):
            rows.append(
                common
                | {"round_id": None, "award_id": award_id, "position": position, "due_on": None, "report_id": report_id}
            )
    if rows:
        op.bulk_insert(items, rows)
    # The dates, copied in SQL: the report's own, or the award's for an award not yet accepted.
    op.execute(
        "UPDATE report_schedule_items SET due_on = (SELECT monitoring_reports.due_on FROM monitoring_reports"
        " WHERE monitoring_reports.id = report_schedule_items.report_id) WHERE report_id IS NOT NULL"
    )
    op.execute(
        "UPDATE report_schedule_items SET due_on = (SELECT awards.report_due_on FROM awards"
        " WHERE awards.id = report_schedule_items.award_id) WHERE award_id IS NOT NULL AND report_id IS NULL"
    )


def downgrade() -> None:
    # Schedules are dropped; every report, with its due date and answers, stays.
    op.drop_index("ix_report_schedule_items_award_id", table_name="report_schedule_items")
    op.drop_index("ix_report_schedule_items_round_id", table_name="report_schedule_items")
    op.drop_table("report_schedule_items")
