"""Structured, masked logs: one JSON object per line, personal data hidden.

Both servers load it through their ``--logging-config-file`` option
(deploy/logging.yml; the launcher passes it in the cluster mode):

    {"time": "2026-11-22T07:30:01.123+00:00", "level": "INFO", "logger": "rasa.core.processor",
     "message": "…沪****** …138********…", "pid": 4242}

Every value of a line (message, structlog's fields, exception text) goes
through `bot.privacy.mask`: phone numbers, ID and bank card numbers and plates
are hidden, as typed or as a JSON ``\\uXXXX`` escape.

Rasa installs its own coloured console handler after reading the logging
configuration (``coloredlogs.install`` replaces the root's stdout/stderr stream
handler but keeps its filters). The configuration therefore offers it a
placeholder handler carrying `Silenced`, and writes the JSON lines through
`JsonLinesHandler`, which is not a stream handler and so stays in place.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from typing import Any

from bot.privacy import mask


def _masked(value: Any) -> Any:
    """Every string inside `value` masked; a number that is a phone or ID number too."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and mask(str(value)) != str(value):
        return mask(str(value))
    return value


def _structured(message: str) -> dict | str:
    """structlog (Rasa's newer log calls) hands over a JSON object; keep its fields."""
    if message.startswith("{") and message.endswith("}"):
        try:
            return json.loads(message)
        except ValueError:
            pass
    return message


class MaskingJsonFormatter(logging.Formatter):
    """A record as one JSON line; every value in it masked (so the line stays valid JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": _structured(record.getMessage()),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(_masked(entry), ensure_ascii=False, default=lambda o: mask(str(o)))


class JsonLinesHandler(logging.Handler):
    """Writes formatted records to standard output, each line in one write.

    One write(2) per line on the log file (opened for appending) keeps a long
    line -- Rasa's debug records run to tens of kilobytes -- whole even when
    other writers (warnings, libraries' prints) share the file.
    """

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        logging.captureWarnings(True)  # Python warnings become JSON lines too

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data = (self.format(record) + "\n").encode("utf-8")
            while data:
                data = data[os.write(1, data) :]
        except Exception:  # logging must never take the server down
            self.handleError(record)


class Silenced(logging.Filter):
    """Drops every record: the console handler Rasa installs inherits it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False
