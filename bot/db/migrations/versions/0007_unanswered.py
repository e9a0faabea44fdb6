"""Unanswered questions for staff: messages the bot could not answer or answered unsure.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unanswered_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("intent_confidence", sa.Float(), nullable=True),
        sa.Column("answer_key", sa.String(length=100), nullable=True),
        sa.Column("answer_confidence", sa.Float(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('unanswered', 'low_confidence')", name=op.f("ck_unanswered_messages_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_messages")),
        sa.UniqueConstraint("message_key", name=op.f("uq_unanswered_messages_message_key")),
    )
    # The console lists the newest first.
    op.create_index(
        "ix_unanswered_messages_created_at", "unanswered_messages", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("unanswered_messages")
