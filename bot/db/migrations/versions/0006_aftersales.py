"""After-sales requests (保全): a new phone or address, a copy of the policy, for staff.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aftersales_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_number", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("sender_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_agent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('phone', 'address', 'policy_copy')",
            name=op.f("ck_aftersales_requests_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'done')", name=op.f("ck_aftersales_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_aftersales_requests_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["done_by_agent_id"],
            ["agents.id"],
            name=op.f("fk_aftersales_requests_done_by_agent_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersales_requests")),
        sa.UniqueConstraint("request_number", name=op.f("uq_aftersales_requests_request_number")),
    )
    op.create_index(
        "ix_aftersales_requests_customer_id", "aftersales_requests", ["customer_id"], unique=False
    )
    # The console lists the open requests, oldest first.
    op.create_index(
        "ix_aftersales_requests_status_created",
        "aftersales_requests",
        ["status", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("aftersales_requests")
