"""The spaCy ``Matcher`` token patterns of ``bot.nlu.entities``, and the entity names.

The names are a contract with the slot mappings and the actions. A pattern's
match key names the entity it finds (see ``PATTERNS``); the words the
patterns look for are in ``bot.nlu.entity_words``.
"""

from __future__ import annotations

import re

from bot.concepts import identifiers
from bot.concepts.provinces import PROVINCES
from bot.nlu import times
from bot.nlu.entity_words import (
    APPROXIMATELY,
    AR_NUMBER,
    CN_NUMBER,
    COVER_WORDS,
    CUE_FILLERS,
    MAGNITUDE_NUMBER,
    MONEY_CUES,
    MONEY_PREFIXES,
    MONEY_UNITS,
    NOT_IN_PLACE_NAMES,
    OTHER_PARTY,
    OWN_PARTY,
    OWN_PRONOUNS,
    PHONE_CUES,
    PLACE_CUE_LINKS,
    PLACE_CUES,
    PLACE_HEADS,
    PLACE_INTRODUCERS,
    PLACE_LEADS,
    PLATE_SEPARATORS,
)
from bot.nlu.patterns import TokenPattern, regex_token, word_token

# The entity names (re-exported by bot.nlu.entities).
PLATE = "plate"
AMOUNT = "amount"
PHONE_TAIL = "phone_tail"
POLICY_NUMBER = "policy_number"
REPORT_NUMBER = "report_number"
ACCIDENT_TIME = "accident_time"
LOCATION = "location"

# --- tokens ----------------------------------------------------------------

_ANY_NUMBER = regex_token(rf"{AR_NUMBER}(?:[kKwW]|[十百千万亿]+)?|{CN_NUMBER}")
_AR = regex_token(AR_NUMBER)
_FOUR_DIGITS = regex_token("[0-9]{4}")
# The identifiers' own patterns (bot.concepts.identifiers), case-insensitive.
_PROVINCE = {"ORTH": {"IN": list(PROVINCES)}}
_PLATES = [
    [_PROVINCE, regex_token(f"(?i:{identifiers.PLATE_OFFICE}{identifiers.PLATE_SERIAL})")],
    [
        _PROVINCE,
        regex_token(f"(?i:{identifiers.PLATE_OFFICE})"),
        {"ORTH": {"IN": PLATE_SEPARATORS}, "OP": "?"},
        {"IS_SPACE": True, "OP": "*"},
        regex_token(f"(?i:{identifiers.PLATE_SERIAL})"),
    ],
]
_POLICY = regex_token(f"(?i:{identifiers.POLICY_NUMBER})")
# Between a phone cue and the digits: a few words, no number, no punctuation
# ("手机最后四位数是0001", "尾号应该是0001").
_FILLER_WORD = regex_token(r"[^0-9\s,.;:!?。，；：！？]+")


def _place_name_word(op: str | None = None) -> TokenPattern:
    """A word of a place name: Chinese, letters or digits (G60, 3号线), no stop word."""
    predicates = {"REGEX": r"^[\u4e00-\u9fffa-z0-9]+$", "NOT_IN": sorted(NOT_IN_PLACE_NAMES)}
    return {"LOWER": predicates, **({"OP": op} if op else {})}


# What may come right before a place name: 在, 地点, 是 … or punctuation. The
# patterns start there (or at the start of the message), not at every word,
# which keeps matching fast.
NO_WORD = r"\W+"
_PLACE_OPENERS = {*PLACE_INTRODUCERS, *PLACE_CUES, *PLACE_CUE_LINKS, *PLACE_LEADS}
_PLACE_OPENER = "|".join([*map(re.escape, sorted(_PLACE_OPENERS)), NO_WORD])
RE_PLACE_OPENER = re.compile(rf"^(?:{_PLACE_OPENER})$")

# The match key of the words after which a place may start (see entities._names_the_place).
PLACE_INTRO = "place_intro"

# Match keys say which entity a pattern finds and which token of the match
# holds it: "@first"/"@last" for one token, "@place" for the match without
# the words that open it, nothing for the whole match. Keys without an entity
# name mark context words.
PATTERNS: dict[str, list[list[TokenPattern]]] = {
    REPORT_NUMBER: [[regex_token(f"(?i:{identifiers.REPORT_NUMBER})")]],
    POLICY_NUMBER: [[_POLICY]],
    PLATE: _PLATES,
    f"{PHONE_TAIL}@last": [
        *(
            [word_token(PHONE_CUES), *[_FILLER_WORD] * gap, {"ORTH": ":", "OP": "?"}, _FOUR_DIGITS]
            for gap in range(7)
        ),
        *([*plate, {"IS_PUNCT": True, "OP": "?"}, _FOUR_DIGITS] for plate in _PLATES),
        [_POLICY, {"IS_PUNCT": True, "OP": "?"}, _FOUR_DIGITS],
        [regex_token("1[3-9][0-9]{9}")],
    ],
    ACCIDENT_TIME: times.PATTERNS,
    f"{AMOUNT}@first": [
        [_ANY_NUMBER, word_token(MONEY_UNITS)],
        [regex_token(MAGNITUDE_NUMBER)],
        [_AR, word_token(APPROXIMATELY)],
    ],
    # A bare number that is a clause of its own, in a message about money
    # ("刚那个金额打错了，2800"); see entities._candidates.
    f"{AMOUNT}@alone": [[_AR]],
    f"{AMOUNT}@last": [
        [word_token(MONEY_PREFIXES), _AR],
        [word_token(MONEY_CUES), word_token(CUE_FILLERS, "*"), _AR],
        [word_token(OTHER_PARTY + OWN_PARTY), {"ORTH": "的", "OP": "?"}, _AR],
    ],
    # A place phrase, up to twelve words of name and a place word; see
    # entities._names_the_place for when it is the accident's place.
    f"{LOCATION}@place": [
        [
            regex_token(_PLACE_OPENER),
            regex_token(_PLACE_OPENER, "?"),
            _place_name_word("{1,12}"),
            word_token(PLACE_HEADS),
        ],
        [
            {"IS_SENT_START": True, **_place_name_word()},
            _place_name_word("{0,11}"),
            word_token(PLACE_HEADS),
        ],
    ],
    # A place may start right after these.
    PLACE_INTRO: [
        [word_token(PLACE_INTRODUCERS)],
        [word_token(PLACE_CUES), word_token(PLACE_CUE_LINKS, "?")],
    ],
    "other_party": [[word_token(OTHER_PARTY)]],
    "own_party": [[word_token(OWN_PARTY)]],
    "own_pronoun": [[word_token(OWN_PRONOUNS)]],
    "cover": [[word_token(COVER_WORDS)]],
    "money_cue": [[word_token(MONEY_CUES)]],
}
CONTEXT_KEYS = {"other_party", "own_party", "own_pronoun", "cover", "money_cue"}
