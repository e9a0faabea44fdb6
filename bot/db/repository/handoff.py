"""Human hand-off (转人工): tickets, the queue, call-backs, agents' messages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.concepts.tickets import LIVE_STATUSES, CloseReason, TicketPriority, TicketStatus
from bot.db.models import Agent, CallbackRequest, HandoffMessage, HandoffTicket, utcnow


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


def handoff_ticket(session: Session, ticket_id: int) -> HandoffTicket | None:
    return session.get(HandoffTicket, ticket_id)


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


def agents_online(session: Session, seen_within: timedelta, now: datetime | None = None) -> int:
    """How many agents sent a heartbeat within `seen_within`."""
    since = (now or utcnow()) - seen_within
    query = select(func.count(Agent.id)).where(Agent.last_seen_at >= since)
    return session.execute(query).scalar_one()
