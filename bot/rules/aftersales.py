"""After-sales requests (保全) a verified customer can make in chat (domain.md §7).

Three kinds are taken as a request for staff, each with a number; none is
carried out in the conversation. Changing the bank account that claims are
paid to is never taken in chat (fraud risk): the customer is told how to do it.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

# A mainland mobile number: 11 digits starting 13–19.
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
# An address shorter than this names no place a letter can reach ("上海").
MIN_ADDRESS_CHARS = 6


class AftersalesKind(str, Enum):
    PHONE = "phone"  # 修改手机号
    ADDRESS = "address"  # 修改联系地址
    POLICY_COPY = "policy_copy"  # 申请保单副本

    @property
    def needs_detail(self) -> bool:
        """A new phone or address must be told; a copy of the policy needs nothing more."""
        return self is not AftersalesKind.POLICY_COPY


OPEN, DONE = "open", "done"  # a request's status: waiting for staff, or carried out
STATUSES = (OPEN, DONE)


def mobile_number(text: str) -> str | None:
    """The 11-digit mobile number in `text` (spaces and dashes between digits allowed)."""
    digits = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text))
    match = MOBILE.search(digits)
    return match.group(1) if match else None


def is_usable_address(text: str) -> bool:
    """Long enough to be an address, and written in Chinese (not just digits or letters)."""
    return len(text) >= MIN_ADDRESS_CHARS and bool(re.search(r"[\u4e00-\u9fff]", text))
