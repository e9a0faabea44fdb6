"""SQLAlchemy models of the claims database (SQLAlchemy 1.4, 2.0-style API).

Conventions: timestamps are timezone-aware UTC (`UTCDateTime`); money is in 元
with two decimals (`Money`); claim statuses are the Chinese values of
domain.md §3, guarded by CHECK constraints. Queries live in `repository/`;
column types in `column_types.py`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.concepts.tickets import TicketPriority, TicketStatus
from bot.db.column_types import Money, UTCDateTime, check_in, utcnow
from bot.dialogue import unanswered
from bot.rules import aftersales, status
from bot.rules.aftersales import AftersalesKind
from bot.rules.fast_track import Outcome, SettlementMode
from bot.rules.photos import CHECKLIST_CODES, MAX_PHOTO_BYTES

# Stable constraint names, so Alembic migrations can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

CUSTOMER_KINDS = ("individual", "company")
PHOTO_CONTENT_TYPES = ("image/jpeg", "image/png", "image/heic", "image/heif")
COMPLAINT_STATUSES = ("已登记", "已受理", "不予受理", "已办结")
TICKET_STATUSES = tuple(status.value for status in TicketStatus)
TICKET_PRIORITIES = tuple(priority.value for priority in TicketPriority)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (CheckConstraint(check_in("kind", CUSTOMER_KINDS), name="kind"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)
    name = Column(String(100), nullable=False)
    phone = Column(String(20), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    vehicles = relationship("Vehicle", back_populates="customer")
    policies = relationship("Policy", back_populates="customer")

    @property
    def is_company(self) -> bool:
        return self.kind == "company"


class Vehicle(Base):
    __tablename__ = "vehicles"

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    plate = Column(String(16), nullable=False, unique=True)  # normalised: 沪A12345

    customer = relationship("Customer", back_populates="vehicles")


class Policy(Base):
    """One policy period of one vehicle. `period_end` is exclusive (ends at 00:00 that day)."""

    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint("period_end > period_start", name="period"),
        CheckConstraint("third_party_limit IS NULL OR third_party_limit > 0", name="tp_limit"),
        Index("ix_policies_customer_period", "customer_id", "period_start"),
    )

    id = Column(Integer, primary_key=True)
    policy_number = Column(String(32), nullable=False, unique=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False)
    vehicle_id = Column(ForeignKey("vehicles.id"), nullable=False, index=True)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    has_compulsory = Column(Boolean, nullable=False)  # 交强险
    has_vehicle_damage = Column(Boolean, nullable=False)  # 车损险
    third_party_limit = Column(Integer)  # 三者险 limit in 元; NULL = not insured
    has_passenger_liability = Column(Boolean, nullable=False)  # 车上人员责任险
    deductible_waiver = Column(Boolean, nullable=False)  # 不计免赔
    riders = Column(JSON, nullable=False, default=list)  # codes of bot.rules.coverage.RIDERS

    customer = relationship("Customer", back_populates="policies")
    vehicle = relationship("Vehicle")


class Report(Base):
    """An accident report (报案) and the claim that follows it."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(check_in("status", status.ALL_STATUSES), name="status"),
        CheckConstraint(
            check_in("fast_track_outcome", tuple(o.value for o in Outcome)), name="outcome"
        ),
        CheckConstraint(
            f"settlement_mode IS NULL OR {check_in('settlement_mode', tuple(m.value for m in SettlementMode))}",
            name="settlement_mode",
        ),
        CheckConstraint(
            f"status <> '{status.DECLINED}' OR declined_reason IS NOT NULL", name="declined"
        ),
        CheckConstraint("two_vehicle OR third_party_loss IS NULL", name="third_party_loss"),
        CheckConstraint(
            "own_loss >= 0 AND (third_party_loss IS NULL OR third_party_loss >= 0)", name="loss"
        ),
        Index("ix_reports_customer_reported", "customer_id", "reported_at"),
    )

    id = Column(Integer, primary_key=True)
    report_number = Column(String(16), nullable=False, unique=True)  # 报案号 BA+yyyymmdd+6 digits
    # A retried submit carries the same key and gets the same report back.
    idempotency_key = Column(String(128), nullable=False, unique=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False)
    policy_id = Column(ForeignKey("policies.id"), nullable=False, index=True)
    sender_id = Column(String(128))  # the conversation that filed it, for handoff context
    status = Column(String(8), nullable=False, default=status.REPORTED)
    reported_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)

    accident_at = Column(UTCDateTime, nullable=False)
    location = Column(String(200), nullable=False)
    two_vehicle = Column(Boolean, nullable=False)  # 双方事故; else 单方事故
    anyone_injured = Column(Boolean, nullable=False)
    drivable = Column(Boolean, nullable=False)
    own_loss = Column(Money)  # 元, the customer's estimate; NULL: not known (待定损)
    third_party_loss = Column(Money)  # 元, two-vehicle only
    insured_driving = Column(Boolean, nullable=False)
    insured_reporting = Column(Boolean, nullable=False)
    description = Column(Text, nullable=False, default="")

    fast_track_outcome = Column(String(24), nullable=False)
    fast_track_reasons = Column(JSON, nullable=False, default=list)  # failed conditions
    settlement_mode = Column(String(4))  # 授权 / 授信, eligible reports only
    late_report = Column(Boolean, nullable=False)  # more than 48 h after the accident
    expert_team_offered = Column(Boolean, nullable=False)
    declined_reason = Column(Text)

    customer = relationship("Customer")
    policy = relationship("Policy")
    status_history = relationship(
        "ReportStatusChange",
        order_by=lambda: (ReportStatusChange.changed_at, ReportStatusChange.id),
        back_populates="report",
    )
    photos = relationship("Photo", order_by="Photo.id", back_populates="report")


class ReportStatusChange(Base):
    __tablename__ = "report_status_history"
    __table_args__ = (CheckConstraint(check_in("status", status.ALL_STATUSES), name="status"),)

    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), nullable=False, index=True)
    status = Column(String(8), nullable=False)
    changed_at = Column(UTCDateTime, nullable=False)
    note = Column(Text)

    report = relationship("Report", back_populates="status_history")


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint(
            f"checklist_item IS NULL OR {check_in('checklist_item', CHECKLIST_CODES)}",
            name="checklist_item",
        ),
        CheckConstraint(check_in("content_type", PHOTO_CONTENT_TYPES), name="content_type"),
        CheckConstraint(f"size_bytes > 0 AND size_bytes <= {MAX_PHOTO_BYTES}", name="size"),
        # A photo belongs to a report, or (sent to an agent before any report was
        # filed) to the handoff ticket of that conversation.
        CheckConstraint("report_id IS NOT NULL OR ticket_id IS NOT NULL", name="owner"),
    )

    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), index=True)
    ticket_id = Column(ForeignKey("handoff_tickets.id"), index=True)
    checklist_item = Column(String(32))  # NULL until the customer says what it shows
    stored_name = Column(String(64), nullable=False, unique=True)  # generated, never the upload's
    content_type = Column(String(16), nullable=False)
    size_bytes = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    report = relationship("Report", back_populates="photos")
    ticket = relationship("HandoffTicket", back_populates="photos")


class InjuryNotification(Base):
    """A case handed to the injury service specialist (人伤服务专员)."""

    __tablename__ = "injury_notifications"

    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), nullable=False, unique=True)
    insured_name = Column(String(100), nullable=False)
    contact_phone = Column(String(20), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    report = relationship("Report")


class ExpertTeamRequest(Base):
    """A claim-free customer's request for the large-loss expert team (大额赔案专家团队)."""

    __tablename__ = "expert_team_requests"

    id = Column(Integer, primary_key=True)
    report_id = Column(ForeignKey("reports.id"), nullable=False, unique=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    report = relationship("Report")


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (CheckConstraint(check_in("status", COMPLAINT_STATUSES), name="status"),)

    id = Column(Integer, primary_key=True)
    complaint_number = Column(String(16), nullable=False, unique=True)  # TS+yyyymmdd+6 digits
    customer_id = Column(ForeignKey("customers.id"), index=True)
    text = Column(Text, nullable=False)
    status = Column(String(8), nullable=False, default="已登记")
    received_at = Column(UTCDateTime, nullable=False)
    materials_deadline = Column(Date, nullable=False)  # tell what is missing: 5 working days
    acceptance_deadline = Column(Date, nullable=False)  # accepted or not: 10 working days


class SatisfactionRating(Base):
    __tablename__ = "satisfaction_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)

    id = Column(Integer, primary_key=True)
    score = Column(SmallInteger, nullable=False)
    comment = Column(Text)
    customer_id = Column(ForeignKey("customers.id"), index=True)
    report_id = Column(ForeignKey("reports.id"), index=True)
    handoff_ticket_id = Column(ForeignKey("handoff_tickets.id"), index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class AftersalesRequest(Base):
    """An after-sales request (保全) for staff: a new phone or address, or a copy of the
    policy. Recorded with a number; staff carry it out and mark it done in the console."""

    __tablename__ = "aftersales_requests"
    __table_args__ = (
        CheckConstraint(check_in("kind", tuple(k.value for k in AftersalesKind)), name="kind"),
        CheckConstraint(check_in("status", aftersales.STATUSES), name="status"),
        Index("ix_aftersales_requests_status_created", "status", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    request_number = Column(String(16), nullable=False, unique=True)  # BQ+yyyymmdd+6 digits
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    detail = Column(Text)  # the new phone or address; none for a copy of the policy
    sender_id = Column(String(128))  # the conversation it came from
    status = Column(String(8), nullable=False, default=aftersales.OPEN)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    done_at = Column(UTCDateTime)
    done_by_agent_id = Column(ForeignKey("agents.id"))

    customer = relationship("Customer")
    done_by = relationship("Agent")


class UnansweredMessage(Base):
    """A customer message the bot could not answer, or answered unsure, for staff to
    read (bot/dialogue/unanswered.py decides which): what the bot should learn next.

    The text is stored with personal data masked (bot/privacy.py) and without the
    conversation it came from; `message_key` only recognises the same message
    reported twice (low confidence, then not understood).
    """

    __tablename__ = "unanswered_messages"
    __table_args__ = (CheckConstraint(check_in("kind", unanswered.KINDS), name="kind"),)

    id = Column(Integer, primary_key=True)
    message_key = Column(String(64), nullable=False, unique=True)  # SHA-256 (hex)
    text = Column(Text, nullable=False)  # masked
    kind = Column(String(16), nullable=False)
    intent = Column(String(64))  # the bot's best guess
    intent_confidence = Column(Float)
    answer_key = Column(String(100))  # faq/…, for a question it took for an FAQ
    answer_confidence = Column(Float)
    channel = Column(String(32))  # rest, socketio, wechat
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class Agent(Base):
    """A human agent of the agent console; only a bcrypt hash of the password is stored."""

    __tablename__ = "agents"

    id = Column(Integer, primary_key=True)
    username = Column(String(32), nullable=False, unique=True)
    password_hash = Column(String(100), nullable=False)
    display_name = Column(String(50), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime)  # the console's heartbeat: "online" if recent


class HandoffTicket(Base):
    """A conversation waiting for, or handled by, a human agent (转人工)."""

    __tablename__ = "handoff_tickets"
    __table_args__ = (
        CheckConstraint(check_in("status", TICKET_STATUSES), name="status"),
        CheckConstraint(check_in("priority", TICKET_PRIORITIES), name="priority"),
        Index("ix_handoff_tickets_status_created", "status", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    status = Column(String(16), nullable=False, default=TicketStatus.WAITING.value)
    reason = Column(String(32), nullable=False)
    priority = Column(String(8), nullable=False, default=TicketPriority.NORMAL.value)
    customer_id = Column(ForeignKey("customers.id"))
    report_id = Column(ForeignKey("reports.id"))
    sender_id = Column(String(128), nullable=False, index=True)
    agent_id = Column(ForeignKey("agents.id"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    accepted_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)
    close_reason = Column(String(16))  # a bot.concepts.tickets.CloseReason once closed

    customer = relationship("Customer")
    agent = relationship("Agent")
    report = relationship("Report")
    callback = relationship("CallbackRequest", uselist=False, back_populates="ticket")
    photos = relationship("Photo", back_populates="ticket", order_by="Photo.id")


class HandoffMessage(Base):
    """An agent's reply in a handoff, kept here whatever happens to the chat channel."""

    __tablename__ = "handoff_messages"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("handoff_tickets.id"), nullable=False, index=True)
    agent_id = Column(ForeignKey("agents.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class CallbackRequest(Base):
    """A call-back (回电) recorded when no agent could take the conversation."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("handoff_tickets.id"), nullable=False, unique=True)
    phone = Column(String(20), nullable=False)
    preferred_time = Column(String(100), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    ticket = relationship("HandoffTicket", back_populates="callback")


class AgentSession(Base):
    """A logged-in console session. Only a SHA-256 of the cookie's random token is stored."""

    __tablename__ = "agent_sessions"

    id = Column(Integer, primary_key=True)
    agent_id = Column(ForeignKey("agents.id"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)

    agent = relationship("Agent")


class WechatBinding(Base):
    """A WeChat user (openid) bound to a verified customer, so they need not re-identify."""

    __tablename__ = "wechat_bindings"

    id = Column(Integer, primary_key=True)
    openid = Column(String(64), nullable=False, unique=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False, index=True)
    bound_at = Column(UTCDateTime, nullable=False, default=utcnow)


class WechatInboundMessage(Base):
    """A message WeChat delivered, remembered so its retries are processed once.

    WeChat retries a message up to three times; the UNIQUE key lets every
    server of a cluster see that another one already took it.
    """

    __tablename__ = "wechat_inbound_messages"

    id = Column(Integer, primary_key=True)
    # "msg:<MsgId>", or "event:<openid>:<CreateTime>" for events, which have no MsgId
    message_key = Column(String(100), nullable=False, unique=True)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class FailedAttempt(Base):
    """One failed identity check or console login, counted by the lockout rules.

    `key_hash` is the SHA-256 (hex) of what was tried against (a policy, a client
    address, a user name), never the plain value; `scope` says which kind it is.
    """

    __tablename__ = "failed_attempts"
    __table_args__ = (
        Index("ix_failed_attempts_scope_key_created", "scope", "key_hash", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    scope = Column(String(32), nullable=False)
    key_hash = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class NumberSequence(Base):
    """Per-day counters behind 报案号 and complaint numbers."""

    __tablename__ = "number_sequences"

    prefix = Column(String(4), primary_key=True)
    day = Column(Date, primary_key=True)
    last_value = Column(Integer, nullable=False)
