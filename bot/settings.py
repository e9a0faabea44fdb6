"""Configuration read from the environment, each value with a documented default.

| variable         | default                              | meaning                          |
|------------------|--------------------------------------|----------------------------------|
| `CLAIMS_DB_URL`  | `sqlite:///<repo>/var/claims.db`     | SQLAlchemy URL of the claims DB  |
| `TRACKER_DB_URL` | `sqlite:///<repo>/var/tracker.db`    | Rasa's SQL tracker store (the conversations; read by the launcher, endpoints.yml) |
| `BOT_TIMEZONE`   | `Asia/Shanghai`                      | zone for dates customers see     |
| `PHOTO_DIR`      | `<repo>/var/photos`                  | accident photos (no web root)    |
| `HANDOFF_OFFICE_HOURS` | `09:00-21:00`                  | when agents take chats (BOT_TIMEZONE) |
| `AGENT_ONLINE_SECONDS` | `30`                           | an agent is online this long after their last heartbeat |
| `HANDOFF_MINUTES_PER_CUSTOMER` | `5`                    | average handling time, for the expected wait |
| `RASA_URL`       | `http://127.0.0.1:5006`              | Rasa's HTTP API on its internal port (console, handoff resume) |
| `RASA_API_TOKEN` | `var/secrets/rasa_api_token`         | its token (bot/internal_auth.py: generated once when unset) |
| `CONSOLE_PORT`   | `5010`                               | port of the agent console        |
| `CONSOLE_SECURE_COOKIES` | unset                        | `1`: the console's session cookie is always `Secure` (it is anyway when the request came over HTTPS) |
| `WECHAT_API_BASE_URL` | `https://api.weixin.qq.com/cgi-bin/` | WeChat's API (tests: a fake) |
| `REDIS_URL`      | unset                                | shares socket.io rooms and the WeChat token between servers |

PostgreSQL URLs take the form `postgresql+psycopg2://user:password@host:port/dbname`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.concepts.timezone import zone, zone_name
from bot.internal_auth import RASA_API_TOKEN, secret

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = f"sqlite:///{REPO_ROOT / 'var' / 'claims.db'}"
# Its own file, not the claims database: `bot.db.seed --reset` recreates that one,
# and Rasa creates and owns the schema of this one (table `events`).
DEFAULT_TRACKER_DB_URL = f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}"
DEFAULT_WECHAT_API_BASE_URL = "https://api.weixin.qq.com/cgi-bin/"


@dataclass(frozen=True)
class Settings:
    claims_db_url: str
    timezone_name: str
    photo_dir: Path
    wechat_api_base_url: str = DEFAULT_WECHAT_API_BASE_URL
    redis_url: str | None = None  # unset: each server keeps its own WeChat token in memory
    office_hours: str = "09:00-21:00"
    agent_online_seconds: int = 30
    minutes_per_customer: int = 5
    rasa_url: str = "http://127.0.0.1:5006"
    rasa_api_token: str | None = None
    console_port: int = 5010
    console_secure_cookies: bool = False  # True: Secure cookies even when HTTPS is not seen

    @property
    def timezone(self) -> ZoneInfo:
        return zone(self.timezone_name)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings; `environ` defaults to the process environment."""
    env = os.environ if environ is None else environ
    return Settings(
        claims_db_url=env.get("CLAIMS_DB_URL") or DEFAULT_DB_URL,
        timezone_name=zone_name(env),
        photo_dir=Path(env.get("PHOTO_DIR") or REPO_ROOT / "var" / "photos"),
        wechat_api_base_url=env.get("WECHAT_API_BASE_URL") or DEFAULT_WECHAT_API_BASE_URL,
        redis_url=env.get("REDIS_URL") or None,
        office_hours=env.get("HANDOFF_OFFICE_HOURS") or "09:00-21:00",
        agent_online_seconds=int(env.get("AGENT_ONLINE_SECONDS") or 30),
        minutes_per_customer=int(env.get("HANDOFF_MINUTES_PER_CUSTOMER") or 5),
        rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5006").rstrip("/"),
        # The same token as the Rasa server's, also for a console started on its own.
        rasa_api_token=secret(RASA_API_TOKEN, env),
        console_port=int(env.get("CONSOLE_PORT") or 5010),
        console_secure_cookies=_flag(env.get("CONSOLE_SECURE_COOKIES")),
    )


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")
