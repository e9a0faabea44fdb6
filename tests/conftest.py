"""Fixtures shared by the whole suite: the trained model and the running servers.

Every test that needs the real servers gets them from `server_stacks`: one stack
(bot.launcher) per configuration, shared by every test asking for the same one,
each on a claims database (the demo data), a tracker store and a photo directory
of its own, all stopped at the end of the session.
"""

import functools
import os
import subprocess
import sys
import uuid
from collections.abc import Mapping
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
BOT = ("actions", "rasa")  # the action server and the Rasa server


@functools.cache
def trained_model() -> Path:
    """The cached model for the current data and config (trained only if missing).

    BOT_TEST_MODEL=path uses a given model instead (quick runs while editing data).
    """
    if os.environ.get("BOT_TEST_MODEL"):
        return Path(os.environ["BOT_TEST_MODEL"])
    return current_model()


@pytest.fixture(scope="session")
def model_path() -> Path:
    return trained_model()


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


def build_widget() -> None:
    """The website widget the Rasa server serves (widget/dist), built if missing."""
    if not (ROOT / "widget" / "dist" / "chat-widget.js").is_file():
        subprocess.run(["scripts/build-widget.sh"], cwd=ROOT, check=True)


class ServerStack:
    """One stack of the session's servers and the files they run on, all in `directory`:
    claims.db (the demo data, unless `env` names another CLAIMS_DB_URL), tracker.db,
    photos/ and logs/. Its ports are chosen once, so a restart comes back on the same
    ones. What a running Stack has (ports, URLs, the API token) is read through it:
    `bot_stack.rasa_url`."""

    def __init__(
        self,
        model: Path,
        directory: Path,
        env: Mapping[str, str],
        services: tuple[str, ...],
        console: bool,
    ):
        self.directory, self.model, self.services = directory, model, services
        self.claims_db_url = env.get("CLAIMS_DB_URL") or seeded_claims_db(directory)
        self.tracker_db = directory / "tracker.db"
        self.photo_dir = directory / "photos"
        self.photo_dir.mkdir(exist_ok=True)
        self.env = {
            "TRACKER_DB_URL": f"sqlite:///{self.tracker_db}",
            "PHOTO_DIR": str(self.photo_dir),
            **env,
            "CLAIMS_DB_URL": self.claims_db_url,
        }
        self.ports = {
            "rasa_port": free_port(),
            "action_port": free_port(),
            "api_port": free_port(),
            "console_port": free_port() if console else None,
        }
        self.stack = Stack(**self.ports)
        self.start()

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever the Stack's attribute is
        if name == "stack":  # not set yet: no recursion
            raise AttributeError(name)
        return getattr(self.stack, name)

    @property
    def running(self) -> bool:
        return bool(self.stack.processes) and all(
            process.poll() is None for process in self.stack.processes
        )

    def start(self) -> Stack:
        """Starts the servers unless they all run: again after a stop, on the same ports
        and files."""
        if not self.running:
            self.stack.stop()
            self.stack = start_stack(
                self.model,
                log_dir=self.directory / "logs",
                extra_env=self.env,
                services=self.services,
                **self.ports,
            )
        return self.stack

    def stop(self) -> None:
        self.stack.stop()

    def restart(self) -> None:
        """Like `make run` stopped with Ctrl-C and run again."""
        self.stop()
        self.start()

    def log(self, server: str) -> Path:
        """What one server ("actions", "rasa", "console") wrote."""
        return self.directory / "logs" / f"{server}-{self.stack.rasa_port}.log"


class ServerStacks:
    """Starts the stacks the tests ask for: one per configuration, shared, unless a test
    asks for a `fresh` one of its own (to stop and start it, or to fill its database).
    A configuration is the environment the servers get beyond their own files, whether
    the agent console runs, and which of the action server and the Rasa server do
    (`services=()`: the console alone, no model loaded)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory):
        self._tmp_path_factory = tmp_path_factory
        self._shared: dict[tuple, ServerStack] = {}
        self._started: list[ServerStack] = []

    def __call__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        console: bool = False,
        services: tuple[str, ...] = BOT,
        widget: bool = False,
        fresh: bool = False,
    ) -> ServerStack:
        env = dict(env or {})
        if widget:
            build_widget()
        configuration = (tuple(sorted(env.items())), console, services)
        if not fresh and configuration in self._shared:
            return self._shared[configuration]
        model = trained_model() if "rasa" in services else ROOT / "models"  # unused without Rasa
        stack = ServerStack(model, self._tmp_path_factory.mktemp("stack"), env, services, console)
        self._started.append(stack)
        if not fresh:
            self._shared[configuration] = stack
        return stack

    def stop_all(self) -> None:
        for stack in self._started:
            stack.stop()


@pytest.fixture(scope="session")
def server_stacks(tmp_path_factory) -> ServerStacks:
    """The one way the tests start the real servers (see ServerStacks)."""
    stacks = ServerStacks(tmp_path_factory)
    yield stacks
    stacks.stop_all()


@pytest.fixture(scope="session")
def bot_stack(server_stacks: ServerStacks) -> ServerStack:
    """The real action server and Rasa server, talking over real HTTP."""
    return server_stacks()


class _EvaluationBotOnBotStack(EvaluationBot):
    """The report measurements' runner (evaluation/form_runner.py) on `bot_stack`, the
    same configuration. The runner resets the claims database to the demo data before
    it measures and before every round of whole reports, and restarts the servers
    for the reports that ask for a restart."""

    def __init__(self, servers: ServerStack):
        self.servers = servers
        super().__init__(servers.model, servers.directory)
        assert self.claims_db_url == servers.claims_db_url, "the runner's files are the stack's"

    def _start(self) -> Stack:
        return self.servers.start()  # the running stack; after restart()'s stop, again

    def stop(self) -> None:
        """The stack is the session's: server_stacks stops it."""


@pytest.fixture(scope="module")
def evaluation_bot(bot_stack: ServerStack) -> EvaluationBot:
    """The servers of the report measurements (answer matrix, whole reports). The
    measurements file reports for every demo customer; afterwards the claims database
    is the demo data again, as the other tests on `bot_stack` need it (张伟 on his
    first claim)."""
    bot = _EvaluationBotOnBotStack(bot_stack)
    yield bot
    bot.reset_claims()


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
def claims_db_url(bot_stack: ServerStack) -> str:
    """The claims database of `bot_stack`, with the demo customers."""
    return bot_stack.claims_db_url


def rasa_api(stack: ServerStack, method: str, path: str, **kwargs) -> requests.Response:
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

    def __init__(self, stack: ServerStack):
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
def customer(bot_stack: ServerStack) -> Customer:
    return Customer(bot_stack)
