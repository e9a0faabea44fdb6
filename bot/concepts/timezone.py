"""The local time zone: customers' times are read and shown in it (BOT_TIMEZONE)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone_name(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("BOT_TIMEZONE") or DEFAULT_TIMEZONE


def local_zone(environ: Mapping[str, str] | None = None) -> ZoneInfo:
    """BOT_TIMEZONE's zone, read from `environ` (default: the process environment)."""
    return zone(zone_name(environ))


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
