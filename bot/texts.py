"""The bot's sentences for code outside Rasa's dialogue (HTTP answers of channels, the
console).

They live in domain.yml like every other response (the FAQ answers in
bot/data/responses/); this reads them from there.
"""

from functools import cache
from pathlib import Path

import yaml

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"


@cache
def _responses() -> dict:
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]


def response_text(name: str, **values: object) -> str:
    """The first text variation of a domain response, with its {placeholders} filled."""
    return _responses()[name][0]["text"].format(**values)


RESPONSES_DIR = Path(__file__).resolve().parent / "data" / "responses"


@cache
def _knowledge_responses() -> dict:
    """The responses kept beside the domain (the FAQ answers of bot/data/responses/)."""
    merged: dict = {}
    for path in sorted(RESPONSES_DIR.glob("*.yml")):
        merged |= yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
    return merged


def answer_text(name: str) -> str | None:
    """The first text of a response in the domain or in bot/data/responses/, if it exists."""
    variations = _responses().get(name) or _knowledge_responses().get(name) or []
    return variations[0].get("text") if variations else None
