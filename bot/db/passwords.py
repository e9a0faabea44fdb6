"""Agent passwords: only bcrypt hashes are ever stored."""

from __future__ import annotations

import bcrypt

ROUNDS = 12  # bcrypt's cost: about a quarter of a second per check on one core
# A hash of a random password nobody knows, at the same cost: an unknown user
# name is checked against it, so it takes as long to refuse as a wrong password.
DUMMY_HASH = "$2b$12$r0./V3ffGj2GkAI6w88fl.cxX6QYSe51Nspvzw2zo/cuwy0aMNaam"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(ROUNDS)).decode("ascii")


# bcrypt reads at most 72 bytes (and the library refuses more): no password
# that long was ever set, so a longer one is simply wrong — after the same work.
MAX_PASSWORD_BYTES = 72


def password_matches(password: str, password_hash: str) -> bool:
    given = password.encode("utf-8")
    if len(given) > MAX_PASSWORD_BYTES:
        bcrypt.checkpw(given[:MAX_PASSWORD_BYTES], DUMMY_HASH.encode("ascii"))
        return False
    return bcrypt.checkpw(given, password_hash.encode("ascii"))


def login_password_matches(password: str, password_hash: str | None) -> bool:
    """Check a login; `password_hash` None (no such user) costs one bcrypt all the same."""
    if password_hash is None:
        password_matches(password, DUMMY_HASH)
        return False
    return password_matches(password, password_hash)
