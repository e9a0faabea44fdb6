"""WeChat channel: inbound message de-duplication and related columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_inbound_messages")),
        sa.UniqueConstraint("message_key", name=op.f("uq_wechat_inbound_messages_message_key")),
    )
    op.create_index(
        "ix_wechat_inbound_messages_received_at",
        "wechat_inbound_messages",
        ["received_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("wechat_inbound_messages")
