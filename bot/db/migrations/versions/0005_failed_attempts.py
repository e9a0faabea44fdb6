"""Failed identity checks and console logins, counted across conversations and clients.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_attempts")),
    )
    op.create_index(
        "ix_failed_attempts_scope_key_created",
        "failed_attempts",
        ["scope", "key_hash", "created_at"],
        unique=False,
    )
    # The purge of old rows deletes by age alone.
    op.create_index(
        "ix_failed_attempts_created_at", "failed_attempts", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("failed_attempts")
