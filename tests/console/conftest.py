"""The whole handoff stack: action server, Rasa server and agent console, on a fresh database."""

from pathlib import Path

import pytest

from bot.launcher import Stack, free_port, start_stack
from tests.conftest import claims_session, own_tracker_db, seeded_claims_db

from .support import AGENT_PASSWORDS, ConsoleAgent, SocketCustomer

ROOT = Path(__file__).resolve().parents[2]
# An agent counts as online this long after a heartbeat: short, so a test can
# also see "nobody online" by simply not sending one for a while.
ONLINE_SECONDS = 4


@pytest.fixture(scope="session")
def handoff_db_url(tmp_path_factory) -> str:
    return seeded_claims_db(tmp_path_factory.mktemp("handoff"))


@pytest.fixture(scope="session")
def photo_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("photos")


@pytest.fixture(scope="session")
def handoff_stack(model_path, handoff_db_url, photo_dir, tmp_path_factory) -> Stack:
    logs = tmp_path_factory.mktemp("handoff-logs")
    stack = start_stack(
        model_path,
        free_port(),
        free_port(),
        log_dir=logs,
        console_port=free_port(),
        extra_env={
            "CLAIMS_DB_URL": handoff_db_url,
            "TRACKER_DB_URL": own_tracker_db(logs),
            "PHOTO_DIR": str(photo_dir),
            "HANDOFF_OFFICE_HOURS": "00:00-24:00",
            "AGENT_ONLINE_SECONDS": str(ONLINE_SECONDS),
        },
    )
    yield stack
    stack.stop()


@pytest.fixture
def db(handoff_db_url):
    with claims_session(handoff_db_url) as session:
        yield session


def _agent(stack: Stack, number: str) -> ConsoleAgent:
    agent = ConsoleAgent(stack.console_url)
    answer = agent.login(f"agent{number}", AGENT_PASSWORDS[f"AGENT{number}_PASSWORD"])
    assert answer.status_code == 200, answer.text
    return agent


@pytest.fixture
def agent01(handoff_stack) -> ConsoleAgent:
    return _agent(handoff_stack, "01")


@pytest.fixture
def agent02(handoff_stack) -> ConsoleAgent:
    return _agent(handoff_stack, "02")


@pytest.fixture
def widget_customer(handoff_stack):
    customer = SocketCustomer(handoff_stack.rasa_url)
    yield customer
    customer.close()
