"""Identity check (domain.md §10): plate or policy number plus the last four phone digits.

Nothing about a policy or a claim is said before the check passes. How many
wrong answers are allowed, per conversation, per policy and per client, is the
table of bot/rules/lockout.py; once one locks, a human is offered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.concepts.identifiers import is_plate, is_policy_number, normalise_number, normalise_plate


class IdentifierKind(str, Enum):
    PLATE = "plate"
    POLICY_NUMBER = "policy_number"


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str  # normalised


def parse_identifier(text: str) -> Identifier | None:
    """Recognise what the customer typed as a plate or a policy number, or neither."""
    policy_number = normalise_number(text)
    if is_policy_number(policy_number):
        return Identifier(IdentifierKind.POLICY_NUMBER, policy_number)
    plate = normalise_plate(text)
    if is_plate(plate):
        return Identifier(IdentifierKind.PLATE, plate)
    return None


def phone_last4_matches(phone_on_file: str, given: str) -> bool:
    """True only for exactly four digits equal to the end of the phone on file."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", given))
    return len(digits) == 4 and phone_on_file.endswith(digits)
