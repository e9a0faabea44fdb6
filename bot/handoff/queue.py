"""The handoff queue: who is urgent, where a customer stands, how long they wait.

Injury cases are urgent (domain.md §9 names injury among the reasons to hand
over; someone may be hurt right now). The order itself -- urgent first, then
everyone else by waiting time -- is the query `repository.waiting_tickets`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal

from bot.concepts.tickets import TicketPriority

# Why a conversation went to a human; the console shows the Chinese label.
REASONS = {
    "customer_request": "客户要求转人工",
    "not_understood": "连续两次未能理解",
    "injury": "有人员受伤",
    "large_loss": "损失金额较大",
    "complaint": "客户投诉",
    "identity_locked": "身份核实被锁定",
}
URGENT_REASONS = frozenset({"injury"})

# While waiting, these words end the wait even if the NLU heard something else.
_STOP_WAITING = re.compile(r"^\s*(取消|不用了|不等了|算了|不要了|不需要了?)[\s，,。.!！谢謝了吧]*$")
_STOP_INTENTS = frozenset({"cancel"})


def priority_for(reason: str) -> TicketPriority:
    if reason not in REASONS:
        raise ValueError(f"unknown handoff reason {reason!r}")
    return TicketPriority.URGENT if reason in URGENT_REASONS else TicketPriority.NORMAL


def position_in_queue(waiting: Sequence[int], ticket_id: int) -> int:
    """Where a ticket stands among the waiting ones, given in queue order
    (repository.waiting_tickets decides it); 1 = next to be served."""
    try:
        return waiting.index(ticket_id) + 1
    except ValueError:
        raise ValueError(f"ticket {ticket_id} is not waiting") from None


def expected_wait_minutes(position: int, agents_online: int, minutes_per_customer: int) -> int:
    """Each online agent serves one customer at a time: rounds of service before ours."""
    rounds = math.ceil(position / max(agents_online, 1))
    return max(1, rounds * minutes_per_customer)


def wants_to_stop_waiting(intent: str | None, text: str | None) -> bool:
    """A waiting customer's "取消" / "不用了": the NLU's cancel, or the words themselves."""
    return intent in _STOP_INTENTS or bool(_STOP_WAITING.match(text or ""))


def reason_after_report(
    outcome: str, total_loss: Decimal, large_loss_threshold: Decimal, expert_team_offered: bool
) -> str | None:
    """A freshly filed report goes to a human when someone is hurt, or when the loss is
    large and the customer is not offered the large-loss expert team (its own people)."""
    if outcome == "injury_path":
        return "injury"
    if total_loss > large_loss_threshold and not expert_team_offered:
        return "large_loss"
    return None
