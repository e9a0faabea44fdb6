"""An all-or-nothing reset of the claims database: `python -m bot.db.seed --reset`.

A reset either leaves a freshly migrated and seeded database or, when anything
fails on the way (an error, Ctrl-C, a full disk), the database as it was:

- SQLite: the new database is built in a file beside the old one and swapped in
  with one rename. Before the swap the old file leaves WAL mode (its ``-wal``
  must not be replayed onto the new file) under an exclusive lock, so no writer
  is half-way through. A server that holds the old file open at that instant
  keeps writing to the old file until it reconnects (the engine opens a new
  connection per session): stop the servers for a clean reset.
- PostgreSQL: dropping every table, the migrations and the demo data run in one
  transaction, committed at the end (PostgreSQL's DDL is transactional; the
  seeder's session joins that transaction, so its own commits do not end it).

Alembic's downgrade is not used: on SQLite it is not transactional, and one
interrupted downgrade left a half-dropped schema behind that every later reset
tripped over.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.db.schema import alembic_config, upgrade_to_head
from bot.db.session import SQLITE_BUSY_TIMEOUT, make_engine, make_session_factory

# Loads the data into a session on a freshly migrated schema (and may commit).
Seeder = Callable[[Session], None]


class DatabaseInUse(RuntimeError):
    """The old SQLite database stayed busy; nothing was changed."""


def reset_database(url: str, seed: Seeder) -> None:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        _reset_sqlite(url, seed)
    elif backend == "postgresql":
        _reset_postgresql(url, seed)
    else:
        raise ValueError(f"no all-or-nothing reset for {backend}")


# --- SQLite ---------------------------------------------------------------------


def _reset_sqlite(url: str, seed: Seeder) -> None:
    parsed = make_url(url)
    path = Path(parsed.database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f"{path.name}.reset-{os.getpid()}")
    try:
        _remove_sqlite_files(fresh)
        _build(parsed.set(database=str(fresh)).render_as_string(hide_password=False), seed)
        _leave_wal_mode(fresh)
        _swap(fresh, path)
    finally:
        _remove_sqlite_files(fresh)


def _build(url: str, seed: Seeder) -> None:
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            seed(session)
    finally:
        engine.dispose()


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _leave_wal_mode(path: Path, wait: float = 0) -> None:
    """Checkpoint the WAL into the file and go back to a rollback journal (no -wal left)."""
    deadline = time.monotonic() + wait
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT)
    try:
        while True:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if mode.lower() == "delete":
                return
            if time.monotonic() >= deadline:
                raise DatabaseInUse(
                    f"{path} is in use (other connections keep it in WAL mode); "
                    "nothing was changed: stop the servers and reset again"
                )
            time.sleep(0.2)
    finally:
        connection.close()


def _swap(fresh: Path, path: Path) -> None:
    if not path.exists():
        os.replace(fresh, path)
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    while True:
        _leave_wal_mode(path, wait=max(0.0, deadline - time.monotonic()))
        old = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT, isolation_level=None)
        try:
            # Nobody reads or writes the old file from here until the new one is in place.
            old.execute("BEGIN EXCLUSIVE")
            mode = old.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() == "delete" and not Path(f"{path}-wal").exists():
                os.replace(fresh, path)
                return
            # A server connected in between and went back to WAL: once more.
        finally:
            old.close()  # rolls the empty transaction back, releasing the lock
        if time.monotonic() >= deadline:
            raise DatabaseInUse(f"{path} stayed in use; nothing was changed")


# --- PostgreSQL -----------------------------------------------------------------


def _reset_postgresql(url: str, seed: Seeder) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            # A session joined to this transaction: the seeder's commits do not end it.
            with Session(bind=connection, future=True, expire_on_commit=False) as session:
                seed(session)
    finally:
        engine.dispose()
