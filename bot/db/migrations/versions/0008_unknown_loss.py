"""A report's own loss may be unknown: the customer could not estimate it (待定损).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot alter a column in place, it copies the table.
    with op.batch_alter_table("reports") as batch:
        batch.alter_column("own_loss", existing_type=sa.Numeric(12, 2), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE reports SET own_loss = 0 WHERE own_loss IS NULL")
    with op.batch_alter_table("reports") as batch:
        batch.alter_column("own_loss", existing_type=sa.Numeric(12, 2), nullable=False)
