"""The examples written after reading real customers' questions copy none of them.

bot/data/nlu/faq_customer_wording.yml was written in our own words after reading
what customers ask (../shared/real-questions/, development data that must never
be copied into the project). Rewording a real question sentence by sentence
would still be copying, and would flatter the bot on the real questions it is
measured on; so no example may share a run of eight characters with a real
question, or be more than 60 % like one, once both are normalised (Simplified,
half-width, no punctuation).
"""

import difflib
import re
from pathlib import Path

import yaml

from bot.nlu.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
WRITTEN = ROOT / "bot" / "data" / "nlu" / "faq_customer_wording.yml"
REAL = ROOT.parent / "shared" / "real-questions" / "car-questions.txt"
RUN = 8  # characters in a row shared with a real question
LIKENESS = 0.6  # difflib's ratio
_IGNORED = re.compile(r"[\W_]+")
_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def squeezed(text: str) -> str:
    return _IGNORED.sub("", normalize(_MARKUP.sub(r"\1", text)))


def examples() -> list[str]:
    data = yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))
    return [
        line.strip()[2:]
        for block in data["nlu"]
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    ]


def copies(written: list[str], real: list[str]) -> list[tuple[str, str]]:
    """(example, real question) pairs that are too alike."""
    real = [squeezed(q) for q in real if q.strip()]
    runs = {q[i : i + RUN]: q for q in real for i in range(len(q) - RUN + 1)}
    found = []
    for example in written:
        text = squeezed(example)
        shared = next(
            (text[i : i + RUN] for i in range(len(text) - RUN + 1) if text[i : i + RUN] in runs),
            None,
        )
        if shared:
            found.append((example, runs[shared]))
            continue
        close = [q for q in real if difflib.SequenceMatcher(None, text, q).ratio() > LIKENESS]
        if close:
            found.append((example, close[0]))
    return found


def test_the_rule_catches_a_reworded_question():
    real = ["我的车停在小区里被人刮了找不到人怎么办"]
    assert copies(["我的車停在小區裏被人刮了，找不到人咋办"], real)
    assert copies(["停在小区里被人刮了找不到是谁"], real)
    assert not copies(["晚上车在路边被蹭，肇事的跑了，车损险管吗"], real)


def test_no_example_copies_a_real_question():
    assert REAL.exists(), f"{REAL} (beside the project, as in CI) is needed to check this"
    real = REAL.read_text(encoding="utf-8").splitlines()
    assert len(real) > 800
    assert copies(examples(), real) == []
