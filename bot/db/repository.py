"""Every query of the claims database. Functions take a Session and return models.

Writers flush and leave the commit to the caller (one unit of work per bot
turn), except `create_report`, which commits: it must see a concurrent
duplicate submit fail on the unique idempotency key to return the first one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.concepts.identifiers import REPORT_NUMBER_PREFIX, normalise_number, normalise_plate
from bot.concepts.tickets import LIVE_STATUSES, CloseReason, TicketPriority, TicketStatus
from bot.db.models import (
    AftersalesRequest,
    Agent,
    AgentSession,
    CallbackRequest,
    Complaint,
    Customer,
    ExpertTeamRequest,
    FailedAttempt,
    HandoffMessage,
    HandoffTicket,
    InjuryNotification,
    NumberSequence,
    Photo,
    Policy,
    Report,
    ReportStatusChange,
    SatisfactionRating,
    UnansweredMessage,
    Vehicle,
    WechatBinding,
    WechatInboundMessage,
    utcnow,
)
from bot.dialogue.unanswered import UNANSWERED, Guess
from bot.privacy import mask_personal_data
from bot.rules import aftersales, lockout, status
from bot.rules.aftersales import AftersalesKind
from bot.rules.fast_track import (
    DEFAULT_MODE,
    Accident,
    Cover,
    FastTrackDecision,
    Policyholder,
    SettlementMode,
)
from bot.rules.identity import Identifier, IdentifierKind, parse_identifier, phone_last4_matches
from bot.rules.photos import MAX_PHOTOS_PER_REPORT
from bot.rules.workdays import add_working_days
from bot.settings import load_settings

COMPLAINT_NUMBER_PREFIX = "TS"  # 投诉编号
AFTERSALES_NUMBER_PREFIX = "BQ"  # 保全申请编号
# The customer-text guard refuses longer messages; a longer text here is cut.
MAX_UNANSWERED_TEXT = 500
COMPLAINT_MATERIALS_WORKING_DAYS = 5
COMPLAINT_ACCEPTANCE_WORKING_DAYS = 10
# How far back claim-free years are counted; the rule needs three.
_MAX_HISTORY_YEARS = 10

RecordT = TypeVar("RecordT", InjuryNotification, ExpertTeamRequest)


class PhotoLimitReached(Exception):
    """The report already holds MAX_PHOTOS_PER_REPORT photos."""


def _local_day(moment: datetime, tz: tzinfo | None) -> date:
    return moment.astimezone(tz or load_settings().timezone).date()


# --- customers and identity ---------------------------------------------------


def find_customer_by_plate(session: Session, plate: str) -> Customer | None:
    query = select(Customer).join(Vehicle).where(Vehicle.plate == normalise_plate(plate))
    return session.execute(query).scalar_one_or_none()


def find_customer_by_policy_number(session: Session, policy_number: str) -> Customer | None:
    number = normalise_number(policy_number)
    query = select(Customer).join(Policy).where(Policy.policy_number == number)
    return session.execute(query).scalar_one_or_none()


def find_customer(session: Session, identifier: Identifier) -> Customer | None:
    """The customer a plate or policy number belongs to."""
    if identifier.kind is IdentifierKind.PLATE:
        return find_customer_by_plate(session, identifier.value)
    return find_customer_by_policy_number(session, identifier.value)


@dataclass(frozen=True)
class IdentityCheck:
    customer: Customer | None  # set only when the identity is proved
    tally: lockout.Tally  # failures after this attempt

    @property
    def locked(self) -> bool:
        return self.customer is None and self.tally.locked


def check_identity(
    session: Session,
    identifier: str,
    phone_last4: str,
    *,
    conversation: str,
    client: str | None = None,
    now: datetime | None = None,
) -> IdentityCheck:
    """Prove who the customer is with a plate or policy number and the phone digits,
    within the lockout limits (bot.rules.lockout): a locked policy, conversation or
    client is refused without the digits being compared. Commits (see start_attempt)."""
    # Neither a plate nor a policy number matches nobody; it is counted under what was typed.
    parsed = parse_identifier(identifier) or Identifier(IdentifierKind.PLATE, identifier.strip())
    customer = find_customer(session, parsed)
    customer_id = customer.id if customer is not None else None
    attempt = start_attempt(
        session, lockout.identity_keys(parsed, customer_id, conversation, client), now
    )
    if attempt.refused:
        return IdentityCheck(None, attempt.tally)
    if customer is not None and phone_last4_matches(customer.phone, phone_last4):
        withdraw_attempt(session, attempt)
        return IdentityCheck(customer, attempt.tally)
    return IdentityCheck(None, attempt.tally.after_failure())


def bind_openid(session: Session, openid: str, customer_id: int) -> WechatBinding:
    """Bind a WeChat user to a verified customer; a re-bind moves the openid."""
    binding = session.execute(
        select(WechatBinding).where(WechatBinding.openid == openid)
    ).scalar_one_or_none()
    if binding is None:
        binding = WechatBinding(openid=openid, customer_id=customer_id)
        session.add(binding)
    else:
        binding.customer_id = customer_id
        binding.bound_at = utcnow()
    session.flush()
    return binding


def customer_by_openid(session: Session, openid: str) -> Customer | None:
    query = select(Customer).join(WechatBinding).where(WechatBinding.openid == openid)
    return session.execute(query).scalar_one_or_none()


def first_delivery_of_wechat_message(
    session: Session, message_key: str, remember_for: timedelta, now: datetime | None = None
) -> bool:
    """Remember a WeChat message; False if it was already taken (a retry or a replay,
    maybe on another server). Keys older than `remember_for` are forgotten."""
    moment = now or utcnow()
    session.execute(
        delete(WechatInboundMessage).where(WechatInboundMessage.received_at < moment - remember_for)
    )
    session.add(WechatInboundMessage(message_key=message_key, received_at=moment))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


# --- policies and claim history ----------------------------------------------


def _policies_active_on(session: Session, customer_id: int, day: date) -> list[Policy]:
    query = (
        select(Policy)
        .where(Policy.customer_id == customer_id)
        .where(Policy.period_start <= day, Policy.period_end > day)
        .order_by(Policy.period_start.desc(), Policy.id.desc())
    )
    return list(session.execute(query).scalars())


def active_policy(
    session: Session, customer_id: int, on: date, plate: str | None = None
) -> Policy | None:
    """The customer's policy in force on `on`, for one vehicle if `plate` is given."""
    for policy in _policies_active_on(session, customer_id, on):
        if plate is None or policy.vehicle.plate == normalise_plate(plate):
            return policy
    return None


def _claims_on(session: Session, policy_ids: list[int]) -> int:
    query = (
        select(func.count(Report.id))
        .where(Report.policy_id.in_(policy_ids))
        .where(Report.status.in_(status.COUNTS_AS_CLAIM))
    )
    return session.execute(query).scalar_one()


def claim_free_years(session: Session, customer_id: int, policy: Policy) -> int:
    """Consecutive policy years with us right before `policy`'s period, each without a claim."""
    years = 0
    day_before = policy.period_start - timedelta(days=1)
    while years < _MAX_HISTORY_YEARS:
        earlier = _policies_active_on(session, customer_id, day_before)
        if not earlier or _claims_on(session, [p.id for p in earlier]):
            break
        years += 1
        day_before = min(p.period_start for p in earlier) - timedelta(days=1)
    return years


def policyholder_for_fast_track(session: Session, policy: Policy) -> Policyholder:
    """The fast-track rules' view of a policy's customer, from the claims history."""
    customer = policy.customer
    return Policyholder(
        is_company=customer.is_company,
        claim_free_years=claim_free_years(session, customer.id, policy),
        claims_this_period=_claims_on(session, [policy.id]),
        cover=Cover(
            compulsory=policy.has_compulsory,
            vehicle_damage=policy.has_vehicle_damage,
            third_party_limit=policy.third_party_limit,
            deductible_waiver=policy.deductible_waiver,
        ),
    )


def customer_reports(session: Session, customer_id: int) -> list[Report]:
    """The customer's claim history, newest first."""
    query = (
        select(Report)
        .where(Report.customer_id == customer_id)
        .order_by(Report.reported_at.desc(), Report.id.desc())
    )
    return list(session.execute(query).scalars())


def latest_report(session: Session, customer_id: int) -> Report | None:
    reports = customer_reports(session, customer_id)
    return reports[0] if reports else None


def report_for_customer(session: Session, report_number: str, customer_id: int) -> Report | None:
    """The report only if it belongs to this customer: someone else's number is 'not found'."""
    query = select(Report).where(
        Report.report_number == report_number.strip().upper(),
        Report.customer_id == customer_id,
    )
    return session.execute(query).scalar_one_or_none()


def report_by_idempotency_key(session: Session, key: str) -> Report | None:
    query = select(Report).where(Report.idempotency_key == key)
    return session.execute(query).scalar_one_or_none()


# --- numbers -----------------------------------------------------------------


def _next_number(session: Session, prefix: str, day: date) -> str:
    """Allocate `prefix`+yyyymmdd+6 digits from a per-day counter row.

    The UPDATE locks the counter row (PostgreSQL) or the database (SQLite)
    until the caller's transaction ends, so concurrent writers never share a
    number; the INSERT ... ON CONFLICT DO NOTHING creates the day's row once.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = (NumberSequence.prefix == prefix, NumberSequence.day == day)
    session.execute(
        insert(NumberSequence)
        .values(prefix=prefix, day=day, last_value=0)
        .on_conflict_do_nothing(index_elements=["prefix", "day"])
    )
    session.execute(
        update(NumberSequence).where(*key).values(last_value=NumberSequence.last_value + 1)
    )
    value = session.execute(select(NumberSequence.last_value).where(*key)).scalar_one()
    return f"{prefix}{day:%Y%m%d}{value:06d}"


# --- reports -----------------------------------------------------------------


@dataclass(frozen=True)
class ReportDraft:
    """Everything the report conversation collected, ready to be filed."""

    customer_id: int
    policy_id: int
    accident: Accident
    location: str
    drivable: bool
    description: str
    idempotency_key: str  # the same for every retry of one submit
    sender_id: str | None = None


def _new_report(draft: ReportDraft, decision: FastTrackDecision, number: str) -> Report:
    accident = draft.accident
    report = Report(
        report_number=number,
        idempotency_key=draft.idempotency_key,
        customer_id=draft.customer_id,
        policy_id=draft.policy_id,
        sender_id=draft.sender_id,
        status=status.REPORTED,
        reported_at=accident.reported_at,
        updated_at=accident.reported_at,
        accident_at=accident.occurred_at,
        location=draft.location,
        two_vehicle=accident.two_vehicle,
        anyone_injured=accident.anyone_injured,
        drivable=draft.drivable,
        own_loss=accident.own_loss,
        third_party_loss=accident.third_party_loss if accident.two_vehicle else None,
        insured_driving=accident.insured_driving,
        insured_reporting=accident.insured_reporting,
        description=draft.description,
        fast_track_outcome=decision.outcome.value,
        fast_track_reasons=decision.failed_as_json(),
        settlement_mode=DEFAULT_MODE.value if decision.may_leave_scene else None,
        late_report=decision.late_report,
        expert_team_offered=decision.expert_team_offered,
    )
    report.status_history.append(
        ReportStatusChange(status=status.REPORTED, changed_at=accident.reported_at)
    )
    return report


def create_report(
    session: Session, draft: ReportDraft, decision: FastTrackDecision, tz: tzinfo | None = None
) -> Report:
    """File a report with a new 报案号 and commit; a retried submit returns the first report.

    An eligible report starts with the default 授权 mode (see `choose_settlement_mode`).
    """
    existing = report_by_idempotency_key(session, draft.idempotency_key)
    if existing is None:
        day = _local_day(draft.accident.reported_at, tz)
        report = _new_report(draft, decision, _next_number(session, REPORT_NUMBER_PREFIX, day))
        session.add(report)
        try:
            session.commit()
            return report
        except IntegrityError:
            # Another submit with the same key committed first.
            session.rollback()
            existing = report_by_idempotency_key(session, draft.idempotency_key)
            if existing is None:
                raise
    if existing.customer_id != draft.customer_id:
        raise ValueError("idempotency key already used by another customer's report")
    return existing


def choose_settlement_mode(session: Session, report: Report, mode: SettlementMode) -> Report:
    """Store the customer's choice of 授权 or 授信; only eligible reports have one."""
    if report.settlement_mode is None:
        raise ValueError(f"report {report.report_number} is not on the fast track")
    report.settlement_mode = SettlementMode(mode).value
    report.updated_at = utcnow()
    session.flush()
    return report


def change_status(
    session: Session,
    report: Report,
    new_status: str,
    *,
    note: str | None = None,
    declined_reason: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Move a claim to `new_status` (legal transitions only) and record it in the history."""
    status.check_transition(report.status, new_status)
    if new_status == status.DECLINED:
        if not declined_reason:
            raise ValueError("a declined claim needs a reason")
        report.declined_reason = declined_reason
    moment = now or utcnow()
    report.status = new_status
    report.updated_at = moment
    report.status_history.append(
        ReportStatusChange(status=new_status, changed_at=moment, note=note)
    )
    session.flush()
    return report


# --- photos and follow-up records -------------------------------------------


def add_photo(
    session: Session,
    report: Report,
    *,
    stored_name: str,
    content_type: str,
    size_bytes: int,
    checklist_item: str | None = None,
) -> Photo:
    """Attach a stored photo to a report; raises PhotoLimitReached past the per-report limit."""
    return _attach_photo(
        session,
        # Touching the report first takes its row lock (the database lock on SQLite),
        # so two uploads at once cannot both see 19 photos and make it 21.
        lock=update(Report).where(Report.id == report.id).values(updated_at=utcnow()),
        owner=Photo.report_id == report.id,
        owner_name=report.report_number,
        report_id=report.id,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size_bytes,
        checklist_item=checklist_item,
    )


def add_ticket_photo(
    session: Session,
    ticket: HandoffTicket,
    *,
    stored_name: str,
    content_type: str,
    size_bytes: int,
) -> Photo:
    """A photo sent to the agent of a conversation that has no report; same limit as a report."""
    return _attach_photo(
        session,
        # The same row lock as for a report, on the ticket (its status does not change).
        lock=update(HandoffTicket)
        .where(HandoffTicket.id == ticket.id)
        .values(status=HandoffTicket.status),
        owner=Photo.ticket_id == ticket.id,
        owner_name=f"ticket {ticket.id}",
        ticket_id=ticket.id,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size_bytes,
    )


def _attach_photo(session: Session, *, lock, owner, owner_name: str, **fields: Any) -> Photo:
    """Lock the owner's row, check the limit, store the photo row."""
    session.execute(lock)
    stored = session.execute(select(func.count(Photo.id)).where(owner)).scalar_one()
    if stored >= MAX_PHOTOS_PER_REPORT:
        raise PhotoLimitReached(owner_name)
    photo = Photo(**fields)
    session.add(photo)
    session.flush()
    return photo


def photo_count(session: Session, report: Report) -> int:
    query = select(func.count(Photo.id)).where(Photo.report_id == report.id)
    return session.execute(query).scalar_one()


def tag_photo(session: Session, report: Report, photo_id: int, checklist_item: str) -> Photo | None:
    """Tag one of the report's photos with what it shows; another report's photo → None."""
    photo = session.execute(
        select(Photo).where(Photo.id == photo_id, Photo.report_id == report.id)
    ).scalar_one_or_none()
    if photo is not None:
        photo.checklist_item = checklist_item
        session.flush()
    return photo


def _once_per_report(session: Session, model: type[RecordT], report: Report, **values) -> RecordT:
    """The model's row for this report, created with `values` the first time."""
    existing = session.execute(
        select(model).where(model.report_id == report.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    record = model(report_id=report.id, **values)
    session.add(record)
    session.flush()
    return record


def record_injury_notification(session: Session, report: Report) -> InjuryNotification:
    """Hand an injury case to the injury specialist with the insured's name and contact, once."""
    customer = report.customer
    return _once_per_report(
        session,
        InjuryNotification,
        report,
        insured_name=customer.name,
        contact_phone=customer.phone,
    )


def record_expert_request(session: Session, report: Report) -> ExpertTeamRequest:
    """Record the customer's request for the expert team, once per report."""
    if not report.expert_team_offered:
        raise ValueError(f"report {report.report_number} was not offered the expert team")
    return _once_per_report(session, ExpertTeamRequest, report)


def register_complaint(
    session: Session,
    text: str,
    *,
    customer_id: int | None = None,
    received_at: datetime | None = None,
    tz: tzinfo | None = None,
) -> Complaint:
    """Register a complaint with a number and its two working-day deadlines (domain.md §6).

    Materials given in chat are taken as complete on receipt, so both deadlines
    count from the day the complaint arrives.
    """
    received = received_at or utcnow()
    day = _local_day(received, tz)
    complaint = Complaint(
        complaint_number=_next_number(session, COMPLAINT_NUMBER_PREFIX, day),
        customer_id=customer_id,
        text=text,
        received_at=received,
        materials_deadline=add_working_days(day, COMPLAINT_MATERIALS_WORKING_DAYS),
        acceptance_deadline=add_working_days(day, COMPLAINT_ACCEPTANCE_WORKING_DAYS),
    )
    session.add(complaint)
    session.flush()
    return complaint


def store_rating(
    session: Session,
    score: int,
    *,
    comment: str | None = None,
    customer_id: int | None = None,
    report_id: int | None = None,
    handoff_ticket_id: int | None = None,
) -> SatisfactionRating:
    """Store a 1–5 satisfaction score (回访) with an optional comment."""
    if not 1 <= score <= 5:
        raise ValueError("a satisfaction score is between 1 and 5")
    rating = SatisfactionRating(
        score=score,
        comment=comment or None,
        customer_id=customer_id,
        report_id=report_id,
        handoff_ticket_id=handoff_ticket_id,
    )
    session.add(rating)
    session.flush()
    return rating


# --- after-sales requests (保全) ----------------------------------------------


def register_aftersales_request(
    session: Session,
    customer_id: int,
    kind: AftersalesKind,
    *,
    detail: str | None = None,
    sender_id: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> AftersalesRequest:
    """Record a verified customer's request for staff, with its number; nothing changes yet."""
    kind = AftersalesKind(kind)
    if kind.needs_detail and not detail:
        raise ValueError(f"a {kind.value} request needs the new value")
    moment = now or utcnow()
    request = AftersalesRequest(
        request_number=_next_number(session, AFTERSALES_NUMBER_PREFIX, _local_day(moment, tz)),
        customer_id=customer_id,
        kind=kind.value,
        detail=detail if kind.needs_detail else None,
        sender_id=sender_id,
        created_at=moment,
    )
    session.add(request)
    session.flush()
    return request


def open_aftersales_requests(session: Session) -> list[AftersalesRequest]:
    """What staff still have to do, oldest first."""
    query = (
        select(AftersalesRequest)
        .where(AftersalesRequest.status == aftersales.OPEN)
        .order_by(AftersalesRequest.created_at, AftersalesRequest.id)
    )
    return list(session.execute(query).scalars())


def complete_aftersales_request(session: Session, request_id: int, agent: Agent) -> bool:
    """Mark an open request done by `agent`; False if it is unknown or already done.

    One conditional UPDATE, like `accept_ticket`: two agents clicking at once
    cannot both complete it.
    """
    done = session.execute(
        update(AftersalesRequest)
        .where(AftersalesRequest.id == request_id, AftersalesRequest.status == aftersales.OPEN)
        .values(status=aftersales.DONE, done_at=utcnow(), done_by_agent_id=agent.id)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


# --- unanswered questions (for staff) ----------------------------------------


def record_unanswered_message(
    session: Session,
    message_key: str,
    text: str,
    kind: str,
    guess: Guess,
    channel: str | None = None,
    now: datetime | None = None,
) -> UnansweredMessage:
    """Keep a message the bot could not answer, or answered unsure, with its guess.

    The text is masked here (bot/privacy.py), so nothing unmasked is ever stored.
    `message_key` names the message (conversation and message id) and is stored
    as SHA-256 only: the same message reported again (low confidence while
    reading it, then not understood) is one row, whose kind becomes unanswered.
    """
    key_hash = hashlib.sha256(message_key.encode("utf-8")).hexdigest()
    row = session.execute(
        select(UnansweredMessage).where(UnansweredMessage.message_key == key_hash)
    ).scalar_one_or_none()
    if row is None:
        row = UnansweredMessage(
            message_key=key_hash,
            text=mask_personal_data(text.strip())[:MAX_UNANSWERED_TEXT],
            kind=kind,
            intent=guess.intent,
            intent_confidence=guess.intent_confidence,
            answer_key=guess.answer_key,
            answer_confidence=guess.answer_confidence,
            channel=channel,
            created_at=now or utcnow(),
        )
        session.add(row)
    elif kind == UNANSWERED:
        row.kind = UNANSWERED
    session.flush()
    return row


def unanswered_messages_since(
    session: Session, since: datetime, limit: int = 5000
) -> list[UnansweredMessage]:
    """The stored messages from `since` on, newest first (at most `limit`)."""
    query = (
        select(UnansweredMessage)
        .where(UnansweredMessage.created_at >= since)
        .order_by(UnansweredMessage.created_at.desc(), UnansweredMessage.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


# --- human handoff -----------------------------------------------------------


def agent_by_username(session: Session, username: str) -> Agent | None:
    return session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()


def open_handoff_ticket(
    session: Session,
    *,
    sender_id: str,
    reason: str,
    customer_id: int | None = None,
    report_id: int | None = None,
    priority: str = TicketPriority.NORMAL,
    callback: bool = False,
) -> HandoffTicket:
    """Queue a conversation for a human, or record a call-back when nobody can take it now."""
    ticket = HandoffTicket(
        sender_id=sender_id,
        reason=reason,
        customer_id=customer_id,
        report_id=report_id,
        priority=priority,
        status=TicketStatus.CALLBACK if callback else TicketStatus.WAITING,
    )
    session.add(ticket)
    session.flush()
    return ticket


def live_ticket_for_sender(session: Session, sender_id: str) -> HandoffTicket | None:
    """The conversation's ticket that is waiting for, or talking to, an agent."""
    query = (
        select(HandoffTicket)
        .where(HandoffTicket.sender_id == sender_id)
        .where(HandoffTicket.status.in_(LIVE_STATUSES))
        .order_by(HandoffTicket.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def waiting_tickets(session: Session) -> list[HandoffTicket]:
    """Tickets an agent may take: urgent ones first, then oldest first."""
    query = (
        select(HandoffTicket)
        .where(HandoffTicket.status == TicketStatus.WAITING)
        .order_by(
            (HandoffTicket.priority == TicketPriority.URGENT).desc(),
            HandoffTicket.created_at,
            HandoffTicket.id,
        )
    )
    return list(session.execute(query).scalars())


def tickets_of_agent(session: Session, agent_id: int) -> list[HandoffTicket]:
    query = (
        select(HandoffTicket)
        .where(HandoffTicket.agent_id == agent_id, HandoffTicket.status == TicketStatus.ACCEPTED)
        .order_by(HandoffTicket.accepted_at)
    )
    return list(session.execute(query).scalars())


def callback_tickets(session: Session) -> list[HandoffTicket]:
    query = (
        select(HandoffTicket)
        .where(HandoffTicket.status == TicketStatus.CALLBACK)
        .order_by(HandoffTicket.created_at)
    )
    return list(session.execute(query).scalars())


def accept_ticket(session: Session, ticket_id: int, agent: Agent) -> HandoffTicket | None:
    """Give the ticket to `agent` unless another agent took it first (then None).

    One conditional UPDATE: of two agents accepting at once, exactly one changes the row.
    """
    taken = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == TicketStatus.WAITING)
        .values(status=TicketStatus.ACCEPTED, agent_id=agent.id, accepted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    return session.get(HandoffTicket, ticket_id, populate_existing=True)


def end_ticket(
    session: Session,
    ticket_id: int,
    close_reason: CloseReason,
    *,
    from_statuses: tuple[TicketStatus, ...],
    agent_id: int | None = None,
) -> bool:
    """Close the ticket if it is still in one of `from_statuses` (and the agent's, if given).

    Conditional like `accept_ticket`: a customer cancelling while an agent accepts
    cannot both win. An unknown close reason or status is refused (ValueError).
    """
    close_reason = CloseReason(close_reason)
    from_statuses = tuple(TicketStatus(status) for status in from_statuses)
    query = update(HandoffTicket).where(
        HandoffTicket.id == ticket_id, HandoffTicket.status.in_(from_statuses)
    )
    if agent_id is not None:
        query = query.where(HandoffTicket.agent_id == agent_id)
    ended = session.execute(
        query.values(
            status=TicketStatus.CLOSED, close_reason=close_reason, closed_at=utcnow()
        ).execution_options(synchronize_session=False)
    )
    return ended.rowcount == 1


def record_callback(
    session: Session, ticket: HandoffTicket, phone: str, preferred_time: str
) -> CallbackRequest:
    request = CallbackRequest(ticket_id=ticket.id, phone=phone, preferred_time=preferred_time)
    session.add(request)
    session.flush()
    return request


def add_handoff_message(
    session: Session, ticket: HandoffTicket, agent: Agent, text: str
) -> HandoffMessage:
    message = HandoffMessage(ticket_id=ticket.id, agent_id=agent.id, text=text)
    session.add(message)
    session.flush()
    return message


def handoff_messages(session: Session, ticket_id: int) -> list[HandoffMessage]:
    query = (
        select(HandoffMessage)
        .where(HandoffMessage.ticket_id == ticket_id)
        .order_by(HandoffMessage.id)
    )
    return list(session.execute(query).scalars())


def agent_heartbeat(session: Session, agent: Agent, now: datetime | None = None) -> None:
    agent.last_seen_at = now or utcnow()
    session.flush()


def agents_online(session: Session, seen_within: timedelta, now: datetime | None = None) -> int:
    """How many agents sent a heartbeat within `seen_within`."""
    since = (now or utcnow()) - seen_within
    query = select(func.count(Agent.id)).where(Agent.last_seen_at >= since)
    return session.execute(query).scalar_one()


# --- agent console sessions ---------------------------------------------------


def create_agent_session(
    session: Session, agent: Agent, token_hash: str, csrf_token: str, expires_at: datetime
) -> AgentSession:
    row = AgentSession(
        agent_id=agent.id, token_hash=token_hash, csrf_token=csrf_token, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return row


def agent_session_by_token_hash(
    session: Session, token_hash: str, now: datetime | None = None
) -> AgentSession | None:
    """The unexpired console session with this token hash, if any."""
    query = select(AgentSession).where(
        AgentSession.token_hash == token_hash, AgentSession.expires_at > (now or utcnow())
    )
    return session.execute(query).scalar_one_or_none()


def delete_agent_session(session: Session, token_hash: str) -> None:
    row = session.execute(
        select(AgentSession).where(AgentSession.token_hash == token_hash)
    ).scalar_one_or_none()
    if row is not None:
        session.delete(row)
        session.flush()


# --- failed attempts (lockouts) -----------------------------------------------


def attempt_key_hash(key: str) -> str:
    """Keys (plates, addresses, user names) are stored as SHA-256, never in plain."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def record_failed_attempt(
    session: Session, scope: str, key: str, now: datetime | None = None
) -> FailedAttempt:
    row = FailedAttempt(scope=scope, key_hash=attempt_key_hash(key), created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def count_failed_attempts(session: Session, scope: str, key: str, since: datetime) -> int:
    """Failures of `key` in `scope` from `since` on."""
    query = select(func.count(FailedAttempt.id)).where(
        FailedAttempt.scope == scope,
        FailedAttempt.key_hash == attempt_key_hash(key),
        FailedAttempt.created_at >= since,
    )
    return session.execute(query).scalar_one()


def purge_failed_attempts(session: Session, before: datetime) -> int:
    """Forget failures older than `before`; returns how many."""
    result = session.execute(delete(FailedAttempt).where(FailedAttempt.created_at < before))
    return result.rowcount


@dataclass(frozen=True)
class Attempt:
    """One try of a secret, already stored as a failure of each of its keys."""

    row_ids: tuple[int, ...]
    tally: lockout.Tally  # failures before this one
    refused: bool  # a limit was reached already: the secret must not be checked


def start_attempt(
    session: Session, keys: Mapping[lockout.Limit, str], now: datetime | None = None
) -> Attempt:
    """Count a try before the secret is checked, and commit.

    The try is stored as a failure first and committed, then counted: of many
    simultaneous tries, each sees the others, so no more than a limit's
    `max_failures` secrets are ever compared. A success or a refusal takes the
    rows back out (`withdraw_attempt`).
    """
    moment = now or utcnow()
    purge_failed_attempts(session, moment - lockout.LONGEST_WINDOW)
    rows = [record_failed_attempt(session, limit.scope, key, moment) for limit, key in keys.items()]
    session.commit()
    tally = lockout.Tally(
        {
            limit: count_failed_attempts(session, limit.scope, key, moment - limit.window) - 1
            for limit, key in keys.items()
        }
    )
    attempt = Attempt(tuple(row.id for row in rows), tally, refused=tally.locked)
    if attempt.refused:
        withdraw_attempt(session, attempt)
    return attempt


def withdraw_attempt(session: Session, attempt: Attempt) -> None:
    """Take an attempt's rows back out: it proved the secret, or it was refused unchecked."""
    session.execute(delete(FailedAttempt).where(FailedAttempt.id.in_(attempt.row_ids)))
    session.commit()
