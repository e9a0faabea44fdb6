"""Where a conversation that needs a person goes: the queue, or a call-back offer.

No Rasa import: the hand-off action (bot/actions/handoff.py) reads the
conversation, asks here, and says what the answer means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.concepts.tickets import TicketStatus
from bot.db import repository
from bot.db.models import HandoffTicket
from bot.handoff.hours import parse_office_hours
from bot.handoff.queue import expected_wait_minutes, position_in_queue, priority_for
from bot.settings import Settings


@dataclass(frozen=True)
class Queued:
    """The conversation waits for an agent (or one is already talking to it)."""

    ticket_id: int
    position: int  # 1 = next to be served
    wait_minutes: int


@dataclass(frozen=True)
class CallbackOffered:
    """Nobody can take it now; no ticket was opened."""

    open_now: bool  # False: outside office hours; True: no agent online


def open_ticket(
    session: Session,
    sender_id: str,
    reason: str,
    customer_id: int | None,
    callback: bool = False,
) -> HandoffTicket:
    """A hand-off ticket for this conversation, linked to its customer and report."""
    report = repository.report_for_conversation(session, sender_id)
    return repository.open_handoff_ticket(
        session,
        sender_id=sender_id,
        reason=reason,
        priority=priority_for(reason),
        customer_id=customer_id,
        report_id=report.id if report else None,
        callback=callback,
    )


def place_conversation(
    session: Session,
    sender_id: str,
    reason: str,
    customer_id: int | None,
    settings: Settings,
    now: datetime,
) -> Queued | CallbackOffered:
    """Queue the conversation, unless it is outside office hours or no agent is online
    (then a call-back is offered). A conversation already queued keeps its ticket."""
    ticket = repository.live_ticket_for_sender(session, sender_id)
    online = repository.agents_online(
        session, timedelta(seconds=settings.agent_online_seconds), now
    )
    open_now = parse_office_hours(settings.office_hours).is_open(now, settings.timezone)
    if ticket is None and (not open_now or online == 0):
        return CallbackOffered(open_now)
    if ticket is None:
        ticket = open_ticket(session, sender_id, reason, customer_id)
    position = 1
    if ticket.status == TicketStatus.WAITING:
        waiting = [t.id for t in repository.waiting_tickets(session)]
        position = position_in_queue(waiting, ticket.id)
    return Queued(
        ticket.id, position, expected_wait_minutes(position, online, settings.minutes_per_customer)
    )
