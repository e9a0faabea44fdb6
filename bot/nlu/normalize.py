"""Make customer text uniform before anything tries to understand it.

Customers type Traditional characters (Hong Kong, Taiwan, one of our seed
documents), full-width letters and digits from Chinese input methods
(``ＢＡ２０２６…``, ``１８００元``) and stray spaces. Everything downstream (the
tokenizer, the classifiers, the entity patterns) is written for Simplified
Chinese with half-width ASCII, so we convert once, here. Pinyin input's
sound-alike typos of domain words (叫强险, 三者线) are put right here too
(bot/nlu/pinyin_typos.py).

Offsets: the Traditional→Simplified, width and pinyin steps map every character to
exactly one character, so entity offsets computed on the result line up with
the input. Collapsing whitespace is the one step that changes the length;
``normalize_with_offsets`` returns where each output character came from so
that annotated spans can be moved (see ``remap_span``).

No Rasa import here: this module is plain Python and tested on its own.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

import opencc

from bot.nlu.pinyin_typos import fix_pinyin_typos

# Full-width ASCII (U+FF01..U+FF5E) sits exactly 0xFEE0 above its half-width
# twin; the ideographic space U+3000 becomes a plain space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # "t2s" is OpenCC's standard Traditional→Simplified table; it understands
    # Hong Kong and Taiwan spellings of the same characters too.
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese, one output character per input character.

    OpenCC converts whole phrases first (乾淨→干净 but 乾隆 stays), which is more
    accurate than character by character. Every single-character mapping in
    its tables keeps the length, but a phrase mapping might not; if the
    result's length differs we fall back to character-by-character conversion
    so that offsets stay valid.
    """
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_converter().convert(char) for char in text)


def to_half_width(text: str) -> str:
    """Full-width letters, digits, punctuation and the ideographic space → ASCII."""
    return text.translate(_HALF_WIDTH)


def normalize_chars(text: str) -> str:
    """Simplified and half-width text of exactly the same length as ``text``, with
    the domain words that a pinyin input method misspelt put right (叫强险 → 交强险)."""
    return fix_pinyin_typos(to_simplified(to_half_width(text)))


def normalize(text: str) -> str:
    """The text every NLU component sees: simplified, half-width, single-spaced, stripped."""
    return " ".join(normalize_chars(text).split())


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` plus, for each output character, its index in ``text``.

    A run of whitespace that survives as one space maps to the run's first
    character; leading and trailing whitespace disappear.
    """
    chars = normalize_chars(text)
    output: list[str] = []
    origins: list[int] = []
    space_run_start: int | None = None
    for index, char in enumerate(chars):
        if char.isspace():
            if space_run_start is None:
                space_run_start = index
            continue
        if space_run_start is not None and output:
            output.append(" ")
            origins.append(space_run_start)
        space_run_start = None
        output.append(char)
        origins.append(index)
    return "".join(output), origins


def remap_span(normalized: str, origins: list[int], start: int, end: int) -> tuple[int, int] | None:
    """Move the span ``[start, end)`` of the original text onto the normalised text.

    ``normalized`` and ``origins`` come from ``normalize_with_offsets``. Spaces
    at the span's edges are trimmed; a span that consisted only of whitespace
    has no counterpart, so the result is ``None``.
    """
    new_start = bisect_left(origins, start)
    new_end = bisect_left(origins, end)
    while new_start < new_end and normalized[new_start] == " ":
        new_start += 1
    while new_end > new_start and normalized[new_end - 1] == " ":
        new_end -= 1
    if new_start == new_end:
        return None
    return new_start, new_end
