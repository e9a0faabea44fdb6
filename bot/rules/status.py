"""Claim status values (domain.md §3) and the transitions a claim may take.

The database stores the Chinese values themselves, so what an agent sees in a
table is what the customer is told.
"""

from __future__ import annotations

REPORTED = "已报案"
SURVEYING = "查勘中"
AWAITING_DOCUMENTS = "待提交单证"
UNDER_REVIEW = "审核中"
PAID = "已赔付"
CLOSED = "已结案"
WITHDRAWN = "已撤销"
DECLINED = "拒赔"

ALL_STATUSES: tuple[str, ...] = (
    REPORTED,
    SURVEYING,
    AWAITING_DOCUMENTS,
    UNDER_REVIEW,
    PAID,
    CLOSED,
    WITHDRAWN,
    DECLINED,
)

# A customer may withdraw until the review starts; the insurer may decline at
# any stage before payment. 授信 cases skip the survey, so 已报案 may go straight
# to 待提交单证; a review can send a claim back for missing documents.
TRANSITIONS: dict[str, frozenset[str]] = {
    REPORTED: frozenset({SURVEYING, AWAITING_DOCUMENTS, WITHDRAWN, DECLINED}),
    SURVEYING: frozenset({AWAITING_DOCUMENTS, WITHDRAWN, DECLINED}),
    AWAITING_DOCUMENTS: frozenset({UNDER_REVIEW, WITHDRAWN, DECLINED}),
    UNDER_REVIEW: frozenset({PAID, AWAITING_DOCUMENTS, DECLINED}),
    PAID: frozenset({CLOSED}),
    CLOSED: frozenset(),
    WITHDRAWN: frozenset(),
    DECLINED: frozenset(),
}

# What each status means for the customer, in the words the bot uses.
DESCRIPTIONS: dict[str, str] = {
    REPORTED: "已收到报案，查勘员会尽快与您联系",
    SURVEYING: "查勘员正在查勘定损",
    AWAITING_DOCUMENTS: "等待您提交理赔单证",
    UNDER_REVIEW: "单证已齐全，正在理算核赔",
    PAID: "赔款已支付到被保险人本人账户",
    CLOSED: "案件已结案",
    WITHDRAWN: "报案已撤销",
    DECLINED: "经审核不予赔付",
}

# A withdrawn report never happened as far as the claim record is concerned.
COUNTS_AS_CLAIM = frozenset(ALL_STATUSES) - {WITHDRAWN}


class IllegalTransition(ValueError):
    """Raised when a claim is asked to move to a status it cannot reach."""


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, new: str) -> None:
    """Raise `IllegalTransition` unless `current` → `new` is allowed."""
    if not can_transition(current, new):
        raise IllegalTransition(f"{current} → {new} is not a legal claim status change")


def is_final(status: str) -> bool:
    return not TRANSITIONS.get(status)
