"""The bot's sentences for code outside Rasa's dialogue (HTTP answers of channels).

They live in domain.yml like every other response; this reads them from there.
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
