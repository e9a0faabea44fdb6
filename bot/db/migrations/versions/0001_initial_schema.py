"""Initial schema: customers, policies, reports and everything around a claim.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("username", name=op.f("uq_agents_username")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('individual', 'company')", name=op.f("ck_customers_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_table(
        "number_sequences",
        sa.Column("prefix", sa.String(length=4), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "day", name=op.f("pk_number_sequences")),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_number", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("materials_deadline", sa.Date(), nullable=False),
        sa.Column("acceptance_deadline", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "status IN ('已登记', '已受理', '不予受理', '已办结')",
            name=op.f("ck_complaints_status"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_complaints_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("complaint_number", name=op.f("uq_complaints_complaint_number")),
    )
    op.create_index("ix_complaints_customer_id", "complaints", ["customer_id"], unique=False)

    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_vehicles_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("plate", name=op.f("uq_vehicles_plate")),
    )
    op.create_index("ix_vehicles_customer_id", "vehicles", ["customer_id"], unique=False)

    op.create_table(
        "wechat_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_wechat_bindings_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_bindings")),
        sa.UniqueConstraint("openid", name=op.f("uq_wechat_bindings_openid")),
    )
    op.create_index(
        "ix_wechat_bindings_customer_id", "wechat_bindings", ["customer_id"], unique=False
    )

    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_number", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("has_compulsory", sa.Boolean(), nullable=False),
        sa.Column("has_vehicle_damage", sa.Boolean(), nullable=False),
        sa.Column("third_party_limit", sa.Integer(), nullable=True),
        sa.Column("has_passenger_liability", sa.Boolean(), nullable=False),
        sa.Column("deductible_waiver", sa.Boolean(), nullable=False),
        sa.Column("riders", sa.JSON(), nullable=False),
        sa.CheckConstraint("period_end > period_start", name=op.f("ck_policies_period")),
        sa.CheckConstraint(
            "third_party_limit IS NULL OR third_party_limit > 0", name=op.f("ck_policies_tp_limit")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_policies_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_policies_vehicle_id_vehicles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
        sa.UniqueConstraint("policy_number", name=op.f("uq_policies_policy_number")),
    )
    op.create_index(
        "ix_policies_customer_period", "policies", ["customer_id", "period_start"], unique=False
    )
    op.create_index("ix_policies_vehicle_id", "policies", ["vehicle_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_number", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accident_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("two_vehicle", sa.Boolean(), nullable=False),
        sa.Column("anyone_injured", sa.Boolean(), nullable=False),
        sa.Column("drivable", sa.Boolean(), nullable=False),
        sa.Column("own_loss", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("third_party_loss", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("insured_driving", sa.Boolean(), nullable=False),
        sa.Column("insured_reporting", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("fast_track_outcome", sa.String(length=24), nullable=False),
        sa.Column("fast_track_reasons", sa.JSON(), nullable=False),
        sa.Column("settlement_mode", sa.String(length=4), nullable=True),
        sa.Column("late_report", sa.Boolean(), nullable=False),
        sa.Column("expert_team_offered", sa.Boolean(), nullable=False),
        sa.Column("declined_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "fast_track_outcome IN ('eligible', 'wait_for_surveyor', 'injury_path')",
            name=op.f("ck_reports_outcome"),
        ),
        sa.CheckConstraint(
            "settlement_mode IS NULL OR settlement_mode IN ('授权', '授信')",
            name=op.f("ck_reports_settlement_mode"),
        ),
        sa.CheckConstraint(
            "status <> '拒赔' OR declined_reason IS NOT NULL", name=op.f("ck_reports_declined")
        ),
        sa.CheckConstraint(
            "status IN ('已报案', '查勘中', '待提交单证', '审核中', '已赔付', '已结案', '已撤销', '拒赔')",
            name=op.f("ck_reports_status"),
        ),
        sa.CheckConstraint(
            "own_loss >= 0 AND (third_party_loss IS NULL OR third_party_loss >= 0)",
            name=op.f("ck_reports_loss"),
        ),
        sa.CheckConstraint(
            "two_vehicle OR third_party_loss IS NULL", name=op.f("ck_reports_third_party_loss")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_reports_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_reports_policy_id_policies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_reports_idempotency_key")),
        sa.UniqueConstraint("report_number", name=op.f("uq_reports_report_number")),
    )
    op.create_index(
        "ix_reports_customer_reported", "reports", ["customer_id", "reported_at"], unique=False
    )
    op.create_index("ix_reports_policy_id", "reports", ["policy_id"], unique=False)

    op.create_table(
        "expert_team_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_expert_team_requests_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_team_requests")),
        sa.UniqueConstraint("report_id", name=op.f("uq_expert_team_requests_report_id")),
    )
    op.create_table(
        "handoff_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "priority IN ('normal', 'urgent')", name=op.f("ck_handoff_tickets_priority")
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'accepted', 'closed', 'callback')",
            name=op.f("ck_handoff_tickets_status"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_handoff_tickets_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_handoff_tickets_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_handoff_tickets_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_tickets")),
    )
    op.create_index("ix_handoff_tickets_sender_id", "handoff_tickets", ["sender_id"], unique=False)
    op.create_index(
        "ix_handoff_tickets_status_created",
        "handoff_tickets",
        ["status", "created_at"],
        unique=False,
    )

    op.create_table(
        "injury_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("insured_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_injury_notifications_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injury_notifications")),
        sa.UniqueConstraint("report_id", name=op.f("uq_injury_notifications_report_id")),
    )
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("checklist_item", sa.String(length=32), nullable=True),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=16), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "checklist_item IS NULL OR checklist_item IN ('whole_car', 'damage_closeup', 'scene_positions', 'other_plate', 'licences')",
            name=op.f("ck_photos_checklist_item"),
        ),
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/heic', 'image/heif')",
            name=op.f("ck_photos_content_type"),
        ),
        sa.CheckConstraint(
            "size_bytes > 0 AND size_bytes <= 10485760", name=op.f("ck_photos_size")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_photos_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_photos_stored_name")),
    )
    op.create_index("ix_photos_report_id", "photos", ["report_id"], unique=False)

    op.create_table(
        "report_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('已报案', '查勘中', '待提交单证', '审核中', '已赔付', '已结案', '已撤销', '拒赔')",
            name=op.f("ck_report_status_history_status"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_status_history_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_status_history")),
    )
    op.create_index(
        "ix_report_status_history_report_id", "report_status_history", ["report_id"], unique=False
    )

    op.create_table(
        "satisfaction_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("handoff_ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_satisfaction_ratings_score")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_satisfaction_ratings_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["handoff_ticket_id"],
            ["handoff_tickets.id"],
            name=op.f("fk_satisfaction_ratings_handoff_ticket_id_handoff_tickets"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_satisfaction_ratings_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_ratings")),
    )
    op.create_index(
        "ix_satisfaction_ratings_customer_id", "satisfaction_ratings", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_satisfaction_ratings_handoff_ticket_id",
        "satisfaction_ratings",
        ["handoff_ticket_id"],
        unique=False,
    )
    op.create_index(
        "ix_satisfaction_ratings_report_id", "satisfaction_ratings", ["report_id"], unique=False
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    op.drop_table("satisfaction_ratings")
    op.drop_table("report_status_history")
    op.drop_table("photos")
    op.drop_table("injury_notifications")
    op.drop_table("handoff_tickets")
    op.drop_table("expert_team_requests")
    op.drop_table("reports")
    op.drop_table("policies")
    op.drop_table("wechat_bindings")
    op.drop_table("vehicles")
    op.drop_table("complaints")
    op.drop_table("number_sequences")
    op.drop_table("customers")
    op.drop_table("agents")
