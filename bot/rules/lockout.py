"""Lockouts: how many wrong guesses of a secret are allowed, counted per what, in what time.

A secret with 10,000 values (the last four phone digits) or a password is only
safe while guesses are few. Each row of the tables below is one limit: the
failures of one key (a conversation, a policy, a client address, a user name)
within the last `window`; once `max_failures` are reached, every further try of
that key is refused, even a right one, until the oldest failure leaves the
window. Failures are stored in the claims database (table failed_attempts), so
the counts hold across conversations, channels and servers, and nothing a
customer can send resets them.

Identity check (domain.md §10), per:
- conversation: the first lock customers knew — three wrong answers in one chat;
- policy: the customer the plate or policy number belongs to (an unknown
  identifier counts under itself, so unknown and known plates behave alike):
  new conversations do not bring new guesses;
- client: the address the channel saw (message metadata "client"; the sender
  id when the channel gives none, the openid on WeChat): one caller cannot try
  many policies in a row.

Agent console login, per user name and per client address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.rules.identity import Identifier


@dataclass(frozen=True)
class Limit:
    scope: str  # what failed_attempts.scope the failures are counted under
    max_failures: int
    window: timedelta


CONVERSATION = Limit("identity_conversation", max_failures=3, window=timedelta(hours=24))
POLICY = Limit("identity_policy", max_failures=5, window=timedelta(hours=24))
CLIENT = Limit("identity_client", max_failures=10, window=timedelta(hours=1))
IDENTITY_LIMITS: tuple[Limit, ...] = (CONVERSATION, POLICY, CLIENT)

CONSOLE_USER = Limit("console_user", max_failures=5, window=timedelta(minutes=15))
CONSOLE_CLIENT = Limit("console_ip", max_failures=5, window=timedelta(minutes=15))
CONSOLE_LIMITS: tuple[Limit, ...] = (CONSOLE_USER, CONSOLE_CLIENT)

# Failures older than every window count for nothing and may be deleted.
LONGEST_WINDOW = max(limit.window for limit in IDENTITY_LIMITS + CONSOLE_LIMITS)


@dataclass(frozen=True)
class Tally:
    """Failures per limit within its window, for the keys of one attempt."""

    failures: Mapping[Limit, int]

    @property
    def locked(self) -> bool:
        return any(count >= limit.max_failures for limit, count in self.failures.items())

    @property
    def attempts_left(self) -> int:
        """Failures still allowed in this conversation (told to the customer).

        Only the conversation's own count: the policy's and the client's would
        tell a new conversation that someone else recently failed on that plate.
        A lock by those limits is still a lock, announced when it happens.
        """
        if self.locked:
            return 0
        own = [
            limit.max_failures - n for limit, n in self.failures.items() if limit is CONVERSATION
        ]
        counts = own or [limit.max_failures - n for limit, n in self.failures.items()]
        return max(min(counts), 0)

    def after_failure(self) -> Tally:
        return Tally({limit: count + 1 for limit, count in self.failures.items()})


def policy_key(identifier: Identifier, customer_id: int | None) -> str:
    """The customer behind a plate or policy number; an unknown one stands for itself."""
    if customer_id is not None:
        return f"customer:{customer_id}"
    return f"{identifier.kind.value}:{identifier.value}"


def identity_keys(
    identifier: Identifier, customer_id: int | None, conversation: str, client: str | None
) -> dict[Limit, str]:
    """What one identity attempt is counted against, limit by limit."""
    return {
        CONVERSATION: conversation,
        POLICY: policy_key(identifier, customer_id),
        CLIENT: client or conversation,
    }


def console_keys(username: str, client: str) -> dict[Limit, str]:
    """What one console login is counted against: the name tried and where from."""
    return {CONSOLE_USER: username.strip().lower(), CONSOLE_CLIENT: client}
