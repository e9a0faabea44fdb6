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
from functools import cache

from pypinyin import Style, pinyin

from bot.concepts.identifiers import (
    PLATE,
    POLICY_NUMBER,
    PROVINCES,
    is_plate,
    is_policy_number,
    normalise_number,
    normalise_plate,
)


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


def identifier_in(text: str) -> Identifier | None:
    """A plate or policy number anywhere in a reply to "车牌号或保单号", typed with
    spaces or separators the entity patterns do not expect ("PDAA 2026 3200 …")."""
    policy_number = re.search(POLICY_NUMBER, normalise_number(text).replace("-", ""))
    if policy_number:
        return Identifier(IdentifierKind.POLICY_NUMBER, policy_number.group(0))
    plate = re.search(PLATE, normalise_plate(text)) or re.search(
        PLATE, normalise_plate(_province_by_sound(text))
    )
    return Identifier(IdentifierKind.PLATE, plate.group(0)) if plate else None


@cache
def _province_sounds() -> dict[str, str]:
    """Each province abbreviation by its sound with tone, where no other has the same
    (户 hù → 沪; 贵 and 桂 share guì, so neither is guessed)."""
    sounds: dict[str, list[str]] = {}
    for char in PROVINCES:
        sounds.setdefault(pinyin(char, style=Style.TONE3)[0][0], []).append(char)
    return {sound: chars[0] for sound, chars in sounds.items() if len(chars) == 1}


def _province_by_sound(text: str) -> str:
    """A plate whose province was typed as another character of the same sound ("户A12345")."""
    match = re.search(r"([\u4e00-\u9fff])\s*([A-Za-z][A-Za-z0-9]{5,6})(?![A-Za-z0-9])", text)
    if not match or match.group(1) in PROVINCES:
        return text
    sound = pinyin(match.group(1), style=Style.TONE3)[0][0]
    province = _province_sounds().get(sound)
    return text if province is None else text.replace(match.group(1), province, 1)


# Phone digits typed in Chinese ("零零零一").
_CHINESE_DIGITS = str.maketrans("零〇一二三四五六七八九幺", "001234567891")


def phone_tail_in(text: str) -> str | None:
    """Four digits given as the phone tail, also in Chinese digits or with words beside
    them ("0007 谢谢")."""
    digits = unicodedata.normalize("NFKC", text).translate(_CHINESE_DIGITS)
    digits = re.sub(r"(?<=\d)[\s-]+(?=\d)", "", digits)  # "0 0 0 1", "138-0000-0001"
    mobile = re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", digits)
    if mobile:  # the whole number given: its last four
        return mobile.group(0)[-4:]
    found = re.findall(r"(?<!\d)\d{4}(?!\d)", digits)
    return found[0] if len(found) == 1 else None


def phone_last4_matches(phone_on_file: str, given: str) -> bool:
    """True only for exactly four digits equal to the end of the phone on file."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", given))
    return len(digits) == 4 and phone_on_file.endswith(digits)
