"""The shared secrets of the servers among themselves (no Rasa import).

- ``RASA_API_TOKEN``: Rasa's HTTP API (transcripts, events, the model) answers
  only callers that send it: the agent console and the action server.
- ``ACTION_SERVER_TOKEN``: the action server runs actions only for callers that
  send it in the ``X-Action-Token`` header: the Rasa servers.

Each comes from the environment when set (a deployment on several machines
sets the same value everywhere); otherwise it is generated at the first start
and kept in ``var/secrets/<name>`` (directory 0700, file 0600), so every server
started from this checkout reads the same one and nothing ever runs without one.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Mapping
from functools import cache
from pathlib import Path

SECRETS_DIR = Path(__file__).resolve().parent.parent / "var" / "secrets"
RASA_API_TOKEN = "RASA_API_TOKEN"
ACTION_SERVER_TOKEN = "ACTION_SERVER_TOKEN"
ACTION_TOKEN_HEADER = "X-Action-Token"


@cache  # load_settings() asks on every call; the file does not change while we run
def stored_secret(name: str, directory: Path = SECRETS_DIR) -> str:
    """The secret kept in `directory`, created (random, 0600) when there is none yet."""
    path = directory / name.lower()
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # O_EXCL: two servers starting at once cannot write two different secrets.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32))
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret generated")
    return value


def secret(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of secret `name`: the environment's, else the stored one."""
    env = os.environ if environ is None else environ
    return env.get(name) or stored_secret(name)


def matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison (a timing difference would leak the secret)."""
    return hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))
