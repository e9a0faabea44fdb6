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

# Province abbreviations as customers typing Traditional Chinese write them.
_TRADITIONAL_PROVINCES = str.maketrans("滬粵蘇遼貴魯晉陝寧雲瓊閩贛", "沪粤苏辽贵鲁晋陕宁云琼闽赣")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# 7 characters for ordinary plates, 8 for new-energy plates.
_PLATE = re.compile(rf"[{_PROVINCES}][A-Z][A-Z0-9]{{5,6}}")
_POLICY_NUMBER = re.compile(r"[A-Z]{4}\d{16}")
_PLATE_SEPARATORS = re.compile(r"[\s\-·•.]")


class IdentifierKind(str, Enum):
    PLATE = "plate"
    POLICY_NUMBER = "policy_number"


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str  # normalised


def normalise_plate(text: str) -> str:
    """'沪a 12345', '滬A-12345' and '沪Ａ１２３４５' all become '沪A12345'."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL_PROVINCES)
    return _PLATE_SEPARATORS.sub("", text).upper()


def normalise_policy_number(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).upper()


def parse_identifier(text: str) -> Identifier | None:
    """Recognise what the customer typed as a plate or a policy number, or neither."""
    policy_number = normalise_policy_number(text)
    if _POLICY_NUMBER.fullmatch(policy_number):
        return Identifier(IdentifierKind.POLICY_NUMBER, policy_number)
    plate = normalise_plate(text)
    if _PLATE.fullmatch(plate):
        return Identifier(IdentifierKind.PLATE, plate)
    return None


def phone_last4_matches(phone_on_file: str, given: str) -> bool:
    """True only for exactly four digits equal to the end of the phone on file."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", given))
    return len(digits) == 4 and phone_on_file.endswith(digits)
