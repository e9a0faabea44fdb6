"""Structured entities in Chinese car-insurance messages, found with spaCy.

Entities and their values (the names are a contract with the slot mappings
and the actions):

============== ======================================= ======================
entity         examples                                value
============== ======================================= ======================
plate          沪A12345, 沪ad12345, 京C·24680            "京C24680" (upper case)
amount         两千五, 2.5k, 1,800元, 1.2万, 1w, 八百     2500, 12000, 3000.01
phone_tail     尾号0001, 手机后四位是0001, 13800000001   "0001"
policy_number  pdaa2026310000000001                    "PDAA2026310000000001"
report_number  ba20261122000001 (报案号)                "BA20261122000001"
accident_time  刚才, 半小时前, 昨晚八点, 11月20日下午2点半  ISO 8601, +08:00
location       在延安路, 在沪宁高速上海方向, 地点是人民广场    "延安路" (the span's text)
============== ======================================= ======================

How spaCy is used: a blank ``zh`` pipeline with the character segmenter
(deterministic and needs no dictionary, unlike jieba whose global dictionary
Rasa's tokenizer modifies). Single characters are too small for patterns, so
a retokenizer first merges number runs (``2.5k``, ``两千五``, ``1,800``), code-like
ASCII runs (``A12345``, ``BA2026…``) and the words of a small lexicon (``下午``,
``对方``, ``尾号`` …). A ``Matcher`` then finds the entity spans and the context
words with token patterns; plain Python turns each span into a value
(``cn2an`` for Chinese numerals, ``bot.nlu.times`` for times) and applies the
context rules below. The word lists and the lexicon are in
``bot.nlu.entity_words``, the token patterns and the entity names in
``bot.nlu.entity_patterns``; this module tokenises, matches and applies the rules.

Spans follow the annotation conventions of ``bot/data/nlu``: an amount's span
is the number with its magnitude and an attached currency word (``3000元``,
``两千块``, ``2.5k``) but not 大概/左右; a phone tail's span is the digits only; a location's span is the place
without the 在 before it or a 上/里 after it.

Rules worth knowing:

* amount – a number is money when a currency word follows, when it carries a
  magnitude (千/万/百/k/w), when ¥/RMB precedes it, when a money cue (损失,
  大概, 车损, 修理费 …) or a party word (对方的 …) precedes it, when 左右/多
  follows, or when the whole message is a bare number from 10 up (at most
  seven digits, no leading zero). It is not money when a non-money unit
  follows (点, 月, 号, 个, 公里 …), when it is a limit rather than a loss
  (超过三千, 三千以内, or a clause about cover: 交强险, 三者, 保额 …), when it is
  vague (几十万), or when it is part of a plate, an ID, a phone number or a
  time. "两块玻璃" is not money: with 块 alone, values under 10 count pieces.
* amount role – ``third_party`` when the nearest party word before the amount
  is the other party's (对方, 对面, 别人, 人家, 前车, 后车, 他, 她, 三者车 …);
  none when it is ours (我的, 我车, 自己, 本车 …). The search crosses commas
  ("对方那边改一下，两千块") but stops at an earlier amount; the bare pronoun
  我 counts only within the amount's own clause. Bare 三者 means the cover
  (三者险), not the other car.
* phone_tail – four digits within a few characters after 尾号/尾数/后四位/手机/
  电话/号码, four digits right after a plate or policy number ("浙A13579 0004"),
  the last four digits of an 11-digit mobile number, or a message that is
  exactly four digits. A four-digit message without a leading zero ("2000")
  is reported as both a phone_tail and an amount: the form that asked
  decides which slot it fills.
* accident_time – see ``bot.nlu.times`` for the defaults (昨晚 → 21:00 …).
* location – a place phrase is a name of one or more words ending in a place
  word (路, 街, 桥, 大道, 高速, 高架, 路口, 停车场, 车库, 小区, 方向, 附近, 楼下 …).
  Its name stops at punctuation and at words that never sit inside a place
  name (被, 了, 的, 我, 这/那/哪, verbs like 撞/追/停, measure words like 个/辆),
  so "在世纪大道变道" ends at 世纪大道; of the phrases that qualify the longest
  wins ("在中山北路和长寿路路口"). It is the accident's place when it directly
  follows 在/于/到/位于 or a place word (地点/地址/位置/地方, also with 是/在/改成/:
  after it: "地点改成人民广场"), or when it fills its clause after at most 是/
  不是/就是 ("不是延安路，是延安西路", a bare "小区地下车库"). A place word with
  no name is too vague to report: "在路口", "停在路边", "在高速上", "在这个
  路口" give no location. 在 inside 现在/正在/在线 … and 于 inside 关于/由于/属于
  … introduce nothing; "我在开车", "在吗", "交强险在哪里买" name no place.
  Repair shops and 4S stores (店/厂) are not accident places. The value is the
  span's normalised text ("人民廣場" → "人民广场").
* Spans never overlap: IDs beat times, times beat phone tails, those beat
  amounts ("10点" is a time, "尾号2000" a phone tail), and every other entity
  beats a location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.concepts import identifiers
from bot.nlu import times
from bot.nlu.entity_patterns import (
    ACCIDENT_TIME,
    AMOUNT,
    CONTEXT_KEYS,
    LOCATION,
    NO_WORD,
    PATTERNS,
    PHONE_TAIL,
    PLACE_INTRO,
    PLATE,
    POLICY_NUMBER,
    RE_PLACE_OPENER,
    REPORT_NUMBER,
)
from bot.nlu.entity_words import (
    APPROXIMATELY,
    AR_NUMBER,
    CLAUSE_ENDS,
    CN_NUMBER,
    CN_NUMERAL_CHARS,
    LEXICON,
    LIMIT_BEFORE,
    MONEY_UNITS,
    NOT_MONEY_AFTER,
    PIECES,
    PLACE_LEADS,
    PLACE_TRAILS,
    VAGUE,
)
from bot.nlu.normalize import normalize_chars

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs seconds (thinc probes TF)
    from spacy.tokens import Doc, Span

# The types StructuredEntityExtractor offers as ``dimensions``.
ENTITY_TYPES = (PLATE, AMOUNT, PHONE_TAIL, POLICY_NUMBER, REPORT_NUMBER, ACCIDENT_TIME, LOCATION)
THIRD_PARTY = "third_party"

# When spans of different entities overlap, the earlier one in this list wins.
# A phone tail has its cue word (尾号, 后四位…) before it: it wins over a time read across it.
_PRIORITY = (REPORT_NUMBER, POLICY_NUMBER, PLATE, PHONE_TAIL, ACCIDENT_TIME, AMOUNT, LOCATION)

Value = str | int | float


@dataclass(frozen=True)
class Entity:
    """One entity found in a message; ``start``/``end`` index the input text."""

    entity: str
    start: int
    end: int
    text: str
    value: Value
    role: str | None = None


# --- how characters are grouped into tokens --------------------------------

_SHORT_MAGNITUDES = {"k": 1000, "w": 10000}  # 2.5k, 1w (万)
# Numbers (1,800 / 3000.01 / 14:30 / 2.5k / 3千), then ASCII codes (A12345,
# BA2026…), then Chinese numerals (两千五). A separator joins only digits, so
# "C.24680" stays three tokens.
_RUNS = re.compile(
    r"[0-9]+(?:[.,:][0-9]+)*(?:[kKwW](?![A-Za-z])|[十百千万亿]+)?(?![A-Za-z0-9])"
    r"|[A-Za-z0-9]+"
    rf"|[{CN_NUMERAL_CHARS}]+"
)

_RE_AR_NUMBER = re.compile(rf"^{AR_NUMBER}$")
_RE_AR_MAGNITUDE = re.compile(rf"^({AR_NUMBER})([kKwW]|[十百千万亿]+)$")
_RE_CN_NUMBER = re.compile(rf"^{CN_NUMBER}$")


class _Extractor:
    """The spaCy objects, built once per process (see ``_extractor``)."""

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = spacy.blank("zh")  # default segmenter: one token per character
        self.lexicon = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lexicon.add("lexicon", list(self.nlp.tokenizer.pipe(LEXICON)))
        self.matcher = Matcher(self.nlp.vocab)
        for key, patterns in PATTERNS.items():
            self.matcher.add(key, patterns)

    def doc(self, text: str) -> Doc:
        """Tokenise ``text`` and merge numbers, codes and lexicon words into tokens."""
        from spacy.util import filter_spans

        doc = self.nlp.make_doc(text)
        spans = [doc.char_span(m.start(), m.end()) for m in _RUNS.finditer(text)]
        spans += self.lexicon(doc, as_spans=True)
        with doc.retokenize() as retokenizer:
            for span in filter_spans([s for s in spans if s is not None and len(s) > 1]):
                retokenizer.merge(span)
        return doc

    def matches(self, doc: Doc) -> list[tuple[str, Span]]:
        strings = self.nlp.vocab.strings
        return [(strings[key], doc[start:end]) for key, start, end in self.matcher(doc)]


@lru_cache(maxsize=1)
def _extractor() -> _Extractor:
    return _Extractor()


def warm_up() -> None:
    """Build the spaCy pipeline now rather than on the first message."""
    extract("沪A12345 两千 刚才")


# --- values ----------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_amount(text: str) -> int | float | None:
    """``"2.5k"`` → 2500, ``"1,800"`` → 1800, ``"两千五"`` → 2500; None if not a number."""
    import cn2an  # lazily: its import pulls in a regex library and takes ~0.2 s

    if _RE_AR_NUMBER.match(text):
        return _number(Decimal(text.replace(",", "")))
    magnitude = _RE_AR_MAGNITUDE.match(text)
    if magnitude and magnitude.group(2).lower() in _SHORT_MAGNITUDES:
        number = Decimal(magnitude.group(1).replace(",", ""))
        return _number(number * _SHORT_MAGNITUDES[magnitude.group(2).lower()])
    if magnitude or _RE_CN_NUMBER.match(text):
        try:
            return _number(Decimal(str(cn2an.cn2an(text.replace(",", ""), "smart"))))
        except (ValueError, InvalidOperation):
            return None
    return None


@dataclass
class _Context:
    """What the rules need to know about one message besides the span itself."""

    doc: Doc
    now: datetime
    clauses: list[int]  # clause number of every token
    parties: dict[int, str]  # token index → "other_party" / "own_party" / "own_pronoun"
    cover_clauses: set[int]
    mentions_money: bool
    content_before: list[int]  # words (not punctuation or space) before each token, and in all
    content_per_clause: dict[int, int]
    place_starts: set[int]  # tokens right after 在/于/到 or 地点(是)

    def is_boundary(self, index: int) -> bool:
        """Punctuation, space, symbols, or outside the message."""
        inside = 0 <= index < len(self.doc)
        return not inside or re.fullmatch(NO_WORD, self.doc[index].text) is not None

    def text_at(self, index: int) -> str:
        return self.doc[index].lower_ if 0 <= index < len(self.doc) else ""

    def is_whole_message(self, start: int, end: int) -> bool:
        inside = self.content_before[end] - self.content_before[start]
        return inside == self.content_before[-1]

    def is_whole_clause(self, index: int) -> bool:
        return self.content_per_clause[self.clauses[index]] == 1


def _context(doc: Doc, now: datetime, marks: dict[int, str], place_starts: set[int]) -> _Context:
    clauses, clause = [], 0
    content_before, words = [0], 0
    content_per_clause: dict[int, int] = {}
    for token in doc:
        clauses.append(clause)
        clause += token.text in CLAUSE_ENDS
        is_word = not (token.is_punct or token.is_space)
        words += is_word
        content_before.append(words)
        content_per_clause[clauses[-1]] = content_per_clause.get(clauses[-1], 0) + is_word
    return _Context(
        doc=doc,
        now=now,
        clauses=clauses,
        parties={i: kind for i, kind in marks.items() if kind.endswith(("_party", "_pronoun"))},
        cover_clauses={clauses[i] for i, kind in marks.items() if kind == "cover"},
        mentions_money="money_cue" in marks.values(),
        content_before=content_before,
        content_per_clause=content_per_clause,
        place_starts=place_starts,
    )


def _amount(ctx: _Context, index: int) -> int | float | None:
    """The amount of money the number token at ``index`` states, if it is one."""
    value = parse_amount(ctx.doc[index].text)
    if value is None:
        return None
    after = index + 1
    while ctx.text_at(after) in APPROXIMATELY or ctx.text_at(after) in MONEY_UNITS:
        after += 1
    before = ctx.text_at(index - 1)
    if (
        ctx.text_at(after) in NOT_MONEY_AFTER
        or before in LIMIT_BEFORE
        or before == VAGUE
        or ctx.clauses[index] in ctx.cover_clauses
        or (ctx.text_at(index + 1) == PIECES and value < 10)
    ):
        return None
    return value


def _names_the_place(ctx: _Context, start: int, end: int) -> bool:
    """Whether the place phrase ``doc[start:end]`` says where the accident happened."""
    if start in ctx.place_starts:
        return True
    while ctx.text_at(start - 1) in PLACE_LEADS:
        start -= 1
    while ctx.text_at(end) in PLACE_TRAILS:
        end += 1
    return ctx.is_boundary(start - 1) and ctx.is_boundary(end)


def _role(ctx: _Context, index: int, amount_starts: set[int]) -> str | None:
    """``third_party`` if the nearest party word before the amount is the other party's."""
    for previous in range(index - 1, -1, -1):
        kind = ctx.parties.get(previous)
        if previous in amount_starts or kind == "own_party":
            return None
        if kind == "other_party":
            return THIRD_PARTY
        if kind == "own_pronoun" and ctx.clauses[previous] == ctx.clauses[index]:
            return None
    return None


# --- putting it together ---------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A matched span; without a value it only keeps lesser matches off its tokens."""

    entity: str
    start: int  # token indexes
    end: int
    value: Value | None
    role: str | None = None


def _candidate(ctx: _Context, entity: str, start: int, end: int) -> _Candidate:
    text = ctx.doc[start:end].text
    value: Value | None = None
    if entity == PLATE:
        value = identifiers.normalise_plate(text)
    elif entity in (POLICY_NUMBER, REPORT_NUMBER):
        value = identifiers.normalise_number(text)
    elif entity == PHONE_TAIL:
        value = text[-4:]
    elif entity == ACCIDENT_TIME:
        moment = times.resolve(text, ctx.now)
        if moment and times.accepted(text, ctx.text_at(end), ctx.is_whole_message(start, end)):
            value = moment.isoformat(timespec="seconds")
    elif entity == LOCATION:
        value = text
    else:
        value = _amount(ctx, start)
        if ctx.text_at(end) in MONEY_UNITS:  # the span includes an attached currency word
            end += 1
    return _Candidate(entity, start, end, value)


def _candidates(doc: Doc, now: datetime) -> list[_Candidate]:
    matches = _extractor().matches(doc)
    marks = {span.start: key for key, span in matches if key in CONTEXT_KEYS}
    place_starts = {span.end for key, span in matches if key == PLACE_INTRO}
    ctx = _context(doc, now, marks, place_starts)
    found = []
    for key, span in matches:
        entity, _, position = key.partition("@")
        if key in CONTEXT_KEYS or key == PLACE_INTRO:
            continue
        if position == "alone" and not (ctx.mentions_money and ctx.is_whole_clause(span.start)):
            continue
        if position == "place":
            start = span.start
            while RE_PLACE_OPENER.match(doc[start].text):
                start += 1
            # Places that are not the accident's must not crowd out one that is.
            if _names_the_place(ctx, start, span.end):
                found.append(_candidate(ctx, entity, start, span.end))
        elif position:
            index = span.end - 1 if position == "last" else span.start
            found.append(_candidate(ctx, entity, index, index + 1))
        else:
            found.append(_candidate(ctx, entity, span.start, span.end))
    kept = _without_overlaps(found)
    amount_starts = {c.start for c in kept if c.entity == AMOUNT}
    return [
        replace(c, role=_role(ctx, c.start, amount_starts)) if c.entity == AMOUNT else c
        for c in kept
    ]


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    ranked = sorted(
        set(candidates),
        key=lambda c: (_PRIORITY.index(c.entity), c.start - c.end, c.start),
    )
    taken: set[int] = set()
    kept = []
    for candidate in ranked:
        positions = set(range(candidate.start, candidate.end))
        if positions & taken:
            continue
        taken |= positions
        if candidate.value is not None:
            kept.append(candidate)
    return kept


def _whole_message_number(text: str) -> list[Entity]:
    """A message that is only digits answers the question the bot just asked."""
    stripped = text.strip()
    offset = text.index(stripped) if stripped else 0
    found = []
    if re.fullmatch(r"[0-9]{4}", stripped):
        found.append(Entity(PHONE_TAIL, offset, offset + 4, stripped, stripped))
    digits = stripped.replace(",", "").partition(".")[0]
    if _RE_AR_NUMBER.match(stripped) and not digits.startswith("0") and 2 <= len(digits) <= 7:
        value = _number(Decimal(stripped.replace(",", "")))
        found.append(Entity(AMOUNT, offset, offset + len(stripped), stripped, value))
    return found


def extract(text: str, now: datetime | None = None) -> list[Entity]:
    """All structured entities in ``text``, in order of appearance.

    ``text`` may be raw user input: matching runs on a same-length normalised
    copy (Simplified, half-width), so offsets and ``Entity.text`` refer to
    ``text`` itself. ``now`` anchors relative times; naive values are taken
    as local time (BOT_TIMEZONE). It defaults to the current local time.
    """
    working = normalize_chars(text)
    whole = _whole_message_number(working)
    if whole:
        return [replace(e, text=text[e.start : e.end]) for e in whole]
    doc = _extractor().doc(working)
    entities = []
    for candidate in _candidates(doc, times.anchor(now)):
        span = doc[candidate.start : candidate.end]
        start, end = span.start_char, span.end_char
        entities.append(
            Entity(candidate.entity, start, end, text[start:end], candidate.value, candidate.role)
        )
    return sorted(entities, key=lambda e: (e.start, e.entity))
