"""Configuration read from the environment, each value with a documented default.

| variable         | default                              | meaning                          |
|------------------|--------------------------------------|----------------------------------|
| `CLAIMS_DB_URL`  | `sqlite:///<repo>/var/claims.db`     | SQLAlchemy URL of the claims DB  |
| `BOT_TIMEZONE`   | `Asia/Shanghai`                      | zone for dates customers see     |
| `PHOTO_DIR`      | `<repo>/var/photos`                  | accident photos (no web root)    |

PostgreSQL URLs take the form `postgresql+psycopg2://user:password@host:port/dbname`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = f"sqlite:///{REPO_ROOT / 'var' / 'claims.db'}"
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Settings:
    claims_db_url: str
    timezone_name: str
    photo_dir: Path

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone_name)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings; `environ` defaults to the process environment."""
    env = os.environ if environ is None else environ
    return Settings(
        claims_db_url=env.get("CLAIMS_DB_URL") or DEFAULT_DB_URL,
        timezone_name=env.get("BOT_TIMEZONE") or DEFAULT_TIMEZONE,
        photo_dir=Path(env.get("PHOTO_DIR") or REPO_ROOT / "var" / "photos"),
    )
