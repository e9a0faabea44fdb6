"""What a plate, a policy number (保单号) and a report number (报案号) look like.

The regular expressions here are the one definition the NLU extracts with
(bot/nlu/entities.py), the identity rule accepts (bot/rules/identity.py) and
the database issues numbers by; they describe normalised text (upper case,
Simplified province, no separators). The policy number format is the demo
data's (../shared/demo-data.md): PDAA2026310000000001 is a four-letter
product code, then 16 digits (year, region, serial).
"""

from __future__ import annotations

import re
import unicodedata

from bot.concepts.provinces import PROVINCES, TO_SIMPLIFIED

# A plate: province, the issuing office's letter, then 5 characters (ordinary
# plates, 7 in all) or 6 (new-energy plates, 8 in all).
PLATE_OFFICE = "[A-Z]"
PLATE_SERIAL = "[A-Z0-9]{5,6}"
PLATE = f"[{PROVINCES}]{PLATE_OFFICE}{PLATE_SERIAL}"
# What customers type between the office letter and the serial: 京C·24680.
PLATE_SEPARATORS = "·•.-・"
POLICY_NUMBER = "[A-Z]{4}[0-9]{16}"
REPORT_NUMBER_PREFIX = "BA"
# BA + the day it was filed (yyyymmdd) + a 6-digit serial of that day.
REPORT_NUMBER = f"{REPORT_NUMBER_PREFIX}[0-9]{{14}}"

_PLATE = re.compile(PLATE)
_POLICY_NUMBER = re.compile(POLICY_NUMBER)
_REPORT_NUMBER = re.compile(REPORT_NUMBER)
_PLATE_TYPED_SEPARATORS = re.compile(rf"[\s{re.escape(PLATE_SEPARATORS)}]")


def normalise_plate(text: str) -> str:
    """'沪a 12345', '滬A-12345' and '沪Ａ１２３４５' all become '沪A12345'."""
    text = unicodedata.normalize("NFKC", text).translate(TO_SIMPLIFIED)
    return _PLATE_TYPED_SEPARATORS.sub("", text).upper()


def normalise_number(text: str) -> str:
    """A policy or report number as stored: half-width, upper case, no spaces."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).upper()


def is_plate(normalised: str) -> bool:
    return _PLATE.fullmatch(normalised) is not None


def is_policy_number(normalised: str) -> bool:
    return _POLICY_NUMBER.fullmatch(normalised) is not None


def is_report_number(normalised: str) -> bool:
    return _REPORT_NUMBER.fullmatch(normalised) is not None
