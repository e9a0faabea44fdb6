"""Fixtures shared by the whole suite: the trained model and the running servers."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete

from bot.db.models import FailedAttempt
from bot.db.session import make_engine, make_session_factory
from bot.launcher import Stack, free_port, start_stack
from evaluation.form_runner import EvaluationBot, current_model

ROOT = Path(__file__).resolve().parent.parent
AGENT_PASSWORDS = {"AGENT01_PASSWORD": "test-agent01-pw", "AGENT02_PASSWORD": "test-agent02-pw"}


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The cached model for the current data and config (trained only if missing).

    BOT_TEST_MODEL=path uses a given model instead (quick runs while editing data).
    """
    if os.environ.get("BOT_TEST_MODEL"):
        return Path(os.environ["BOT_TEST_MODEL"])
    return current_model()


@pytest.fixture(scope="session")
def evaluation_bot(model_path: Path, tmp_path_factory) -> EvaluationBot:
    """The servers of the report measurements (answer matrix, whole reports), with a
    claims database and a tracker store of their own; one for both test files."""
    bot = EvaluationBot(model_path, tmp_path_factory.mktemp("form-runner"))
    yield bot
    bot.stop()


def seeded_claims_db(directory: Path) -> str:
    """A fresh SQLite claims database in `directory` with the demo customers and agents."""
    url = f"sqlite:///{directory / 'claims.db'}"
    subprocess.run(
        [sys.executable, "-m", "bot.db.seed", "--url", url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, **AGENT_PASSWORDS},
    )
    return url


def own_tracker_db(directory: Path) -> str:
    """A tracker store (Rasa's conversations) of a test stack's own, in `directory`:
    no two stacks share a conversation, and none writes to var/tracker.db."""
    return f"sqlite:///{directory / 'tracker.db'}"


@contextmanager
def claims_session(url: str):
    """A session on a claims database, to check what the servers wrote."""
    engine = make_engine(url)
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


@pytest.fixture(scope="session")
def claims_db_url(tmp_path_factory) -> str:
    """A fresh SQLite claims database with the demo customers, for the running servers."""
    return seeded_claims_db(tmp_path_factory.mktemp("claims"))


@pytest.fixture(scope="session")
def bot_stack(model_path: Path, claims_db_url: str, tmp_path_factory) -> Stack:
    """The real action server and Rasa server, talking over real HTTP."""
    logs = tmp_path_factory.mktemp("server-logs")
    stack = start_stack(
        model_path,
        free_port(),
        free_port(),
        log_dir=logs,
        extra_env={"CLAIMS_DB_URL": claims_db_url, "TRACKER_DB_URL": own_tracker_db(logs)},
    )
    yield stack
    stack.stop()


def rasa_api(stack: Stack, method: str, path: str, **kwargs) -> requests.Response:
    """Rasa's HTTP API as the console calls it: the internal port, with the token."""
    params = {**kwargs.pop("params", {}), "token": stack.api_token}
    timeout = kwargs.pop("timeout", 60)
    return requests.request(
        method, f"{stack.api_url}{path}", params=params, timeout=timeout, **kwargs
    )


@pytest.fixture
def claims_db(claims_db_url: str):
    """A session on the running servers' claims database, to check what they wrote."""
    with claims_session(claims_db_url) as session:
        yield session


@pytest.fixture
def no_failed_attempts(claims_db_url: str):
    """Forgets the identity failures of the shared demo database before and after a test,
    so that locks it causes (policy, client address) reach no other test."""

    def forget() -> None:
        with claims_session(claims_db_url) as session:
            session.execute(delete(FailedAttempt))
            session.commit()

    forget()
    yield
    forget()


class Customer:
    """One chat participant talking to the bot over the REST channel."""

    def __init__(self, stack: Stack):
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex[:12]}"
        self.transcript: list[tuple[str, str]] = []

    def say(self, text: str) -> list[str]:
        response = requests.post(
            self.url, json={"sender": self.sender, "message": text}, timeout=60
        )
        assert response.status_code == 200, response.text
        self.transcript.append(("customer", text))
        replies = [message.get("text", "") for message in response.json()]
        self.transcript += [("bot", reply) for reply in replies]
        return replies

    def __repr__(self) -> str:  # shown by pytest when a conversation test fails
        return "\n".join(f"{who}: {text}" for who, text in self.transcript)


@pytest.fixture
def customer(bot_stack: Stack) -> Customer:
    return Customer(bot_stack)
