"""Hand-off tickets (转人工): their statuses, priorities and why one ended.

The values are stored in the claims database (CHECK constraints in
bot/db/models.py) and sent to the agent console as they are.
"""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"  # in the queue for an agent
    ACCEPTED = "accepted"  # an agent is talking to the customer
    CLOSED = "closed"  # over; close_reason says how
    CALLBACK = "callback"  # nobody could take it: staff call the customer back


# A ticket whose conversation is with, or waiting for, a human right now.
LIVE_STATUSES = (TicketStatus.WAITING, TicketStatus.ACCEPTED)


class TicketPriority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # served first (someone may be hurt)


class CloseReason(StrEnum):
    CANCELLED = "cancelled"  # the customer stopped waiting
    HANDED_BACK = "handed_back"  # the agent gave the conversation back to the bot
    CLOSED = "closed"  # the agent ended it, or staff made the call-back
