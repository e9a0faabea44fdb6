"""Builders for spaCy ``Matcher`` token patterns, shared by ``entities`` and ``times``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TokenPattern = dict[str, Any]


def regex_token(pattern: str, op: str | None = None) -> TokenPattern:
    """A token whose whole text matches ``pattern``; ``op`` is a Matcher quantifier."""
    return _with_op({"TEXT": {"REGEX": f"^(?:{pattern})$"}}, op)


def word_token(words: Iterable[str], op: str | None = None) -> TokenPattern:
    """A token that is one of ``words`` (case-insensitive)."""
    return _with_op({"LOWER": {"IN": sorted(words)}}, op)


def _with_op(token: TokenPattern, op: str | None) -> TokenPattern:
    if op:
        token["OP"] = op
    return token
