"""The whole handoff stack: action server, Rasa server and agent console, on a fresh database."""

from pathlib import Path

import pytest

from tests.conftest import ServerStack, ServerStacks, claims_session

from .support import AGENT_PASSWORDS, ConsoleAgent, SocketCustomer

# An agent counts as online this long after a heartbeat: short, so a test can
# also see "nobody online" by simply not sending one for a while.
ONLINE_SECONDS = 4


@pytest.fixture(scope="session")
def handoff_stack(server_stacks: ServerStacks) -> ServerStack:
    return server_stacks(
        {"HANDOFF_OFFICE_HOURS": "00:00-24:00", "AGENT_ONLINE_SECONDS": str(ONLINE_SECONDS)},
        console=True,
    )


@pytest.fixture(scope="session")
def photo_dir(handoff_stack: ServerStack) -> Path:
    return handoff_stack.photo_dir


@pytest.fixture
def db(handoff_stack: ServerStack):
    with claims_session(handoff_stack.claims_db_url) as session:
        yield session


def _agent(stack: ServerStack, number: str) -> ConsoleAgent:
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
