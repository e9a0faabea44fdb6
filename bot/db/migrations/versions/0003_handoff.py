"""Human handoff: agent replies, call-backs, console sessions, heartbeat, close reason.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("handoff_tickets", sa.Column("close_reason", sa.String(length=16), nullable=True))
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_handoff_messages_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["handoff_tickets.id"],
            name=op.f("fk_handoff_messages_ticket_id_handoff_tickets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
    )
    op.create_index(
        "ix_handoff_messages_ticket_id", "handoff_messages", ["ticket_id"], unique=False
    )
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("preferred_time", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["handoff_tickets.id"],
            name=op.f("fk_callback_requests_ticket_id_handoff_tickets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_requests")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_callback_requests_ticket_id")),
    )
    op.create_table(
        "agent_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_sessions_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agent_sessions_token_hash")),
    )
    op.create_index("ix_agent_sessions_agent_id", "agent_sessions", ["agent_id"], unique=False)


def downgrade() -> None:
    op.drop_table("agent_sessions")
    op.drop_table("callback_requests")
    op.drop_table("handoff_messages")
    # SQLite can drop a column only by copying the table: batch mode does that.
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.drop_column("close_reason")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("last_seen_at")
