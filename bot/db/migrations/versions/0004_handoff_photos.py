"""Photos sent to an agent before any report was filed belong to the handoff ticket.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite rebuilds the table in batch mode; PostgreSQL alters it in place.
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch.alter_column("report_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            op.f("fk_photos_ticket_id_handoff_tickets"), "handoff_tickets", ["ticket_id"], ["id"]
        )
        batch.create_check_constraint(
            op.f("ck_photos_owner"), "report_id IS NOT NULL OR ticket_id IS NOT NULL"
        )
        batch.create_index("ix_photos_ticket_id", ["ticket_id"], unique=False)


def downgrade() -> None:
    # Photos of tickets have no report to go back to: they leave the table (the
    # files stay in PHOTO_DIR).
    op.execute("DELETE FROM photos WHERE report_id IS NULL")
    with op.batch_alter_table("photos") as batch:
        batch.drop_index("ix_photos_ticket_id")
        batch.drop_constraint(op.f("ck_photos_owner"), type_="check")
        batch.drop_constraint(op.f("fk_photos_ticket_id_handoff_tickets"), type_="foreignkey")
        batch.alter_column("report_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("ticket_id")
