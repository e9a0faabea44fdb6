"""Typos from pinyin input: a character of the right sound but the wrong word.

Most customers type Chinese by pinyin, and the input method offers every
character of a sound; the wrong one is a click away: 叫强险 for 交强险, 三者线
for 三者险, 不记免赔 for 不计免赔, 能倍多少 for 能赔多少. The classifiers have
never seen these words, so we put the domain word back before anything reads
the text.

The words are a small data table (bot/knowledge/pinyin_terms.yml). A run of
characters is replaced by a word when each character can be read with the
sound of the word's character at that place (a polyphonic character's first
two readings count, the common ones: 倍 is bei or pei, but 不 is not fu),
tones ignored and z/zh, c/ch, s/sh and
-n/-ng taken as one, as the input methods' "fuzzy pinyin" does — and when at
most half of the word's characters differ, so that an ordinary word that
happens to sound like a domain word (出现 / 出险) is left alone; so is an
ordinary word listed under ``keep`` in the table (服务 is not 赔付's 付). The replacement keeps the length, so entity offsets stay valid.

No Rasa import: plain Python, tested on its own (tests/test_pinyin_typos.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pypinyin import Style, pinyin

TERMS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "pinyin_terms.yml"

# Fuzzy pinyin: retroflex initials and back nasals read as their plain twins.
READINGS_PER_CHAR = 2
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def _fuzzy(syllable: str) -> str:
    for retroflex, plain in _FUZZY_INITIALS:
        if syllable.startswith(retroflex):
            syllable = plain + syllable[len(retroflex) :]
            break
    for back, front in _FUZZY_FINALS:
        if syllable.endswith(back):
            return syllable[: -len(back)] + front
    return syllable


@lru_cache(maxsize=8192)
def sounds(char: str) -> frozenset[str]:
    """A Chinese character's common readings, toneless and fuzzy; empty for anything else.

    pypinyin lists the readings of a polyphonic character commonest first; the
    rare ones (不 as fu) would turn ordinary phrases into domain words.
    """
    if not "\u4e00" <= char <= "\u9fff":
        return frozenset()
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(_fuzzy(r) for group in readings for r in group[:READINGS_PER_CHAR])


def load_table(path: Path = TERMS_FILE) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the domain words, longest first; the ordinary words never to touch)."""
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms = sorted({str(t) for t in table["terms"]}, key=len, reverse=True)
    return tuple(terms), tuple(str(k) for k in table.get("keep") or ())


@lru_cache(maxsize=1)
def _default_table() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return load_table()


def _kept(text: str, keep: tuple[str, ...]) -> list[bool]:
    """For each character: whether it belongs to an ordinary word that must stay."""
    kept = [False] * len(text)
    for word in keep:
        start = text.find(word)
        while start != -1:
            kept[start : start + len(word)] = [True] * len(word)
            start = text.find(word, start + 1)
    return kept


def _matches(window: str, term: str) -> bool:
    differing = 0
    for char, wanted in zip(window, term, strict=True):
        if char == wanted:
            continue
        if not sounds(char) & sounds(wanted):
            return False
        differing += 1
    return 0 < differing <= len(term) // 2


@lru_cache(maxsize=16)
def _by_first_sound(terms: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """First character's sound → the words starting with it, longest first (a fast look-up)."""
    index: dict[str, list[str]] = {}
    for term in terms:
        for sound in sounds(term[0]):
            index.setdefault(sound, []).append(term)
    return {sound: tuple(words) for sound, words in index.items()}


def fix_pinyin_typos(
    text: str, table: tuple[tuple[str, ...], tuple[str, ...]] | None = None
) -> str:
    """``text`` with sound-alike misspellings of the domain words corrected; same length."""
    terms, keep = _default_table() if table is None else table
    by_sound = _by_first_sound(terms)
    kept = _kept(text, keep)
    chars = list(text)
    index = 0
    while index < len(chars):
        candidates = [t for sound in sounds(text[index]) for t in by_sound.get(sound, ())]
        # A domain word already right stays as it is (脱保 must not become 退保).
        right = next((t for t in candidates if text.startswith(t, index)), None)
        if right:
            index += len(right)
            continue
        for term in sorted(candidates, key=len, reverse=True):
            end = index + len(term)
            window = text[index:end]
            if len(window) == len(term) and not any(kept[index:end]) and _matches(window, term):
                chars[index:end] = term
                index = end
                break
        else:
            index += 1
    return "".join(chars)
