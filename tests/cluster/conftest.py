"""One cluster for tests/cluster/: two PostgreSQL servers, Redis, nginx, two Rasa
servers and two action servers on free ports, under var/cluster-test-*/.

The Rasa servers log at DEBUG, so that what customers type reaches the logs
and the masking is tested on real output. Each test gets customers of its own
(synthetic ones, ops/loadtest/customers.py) and a cluster whose parts all run.
"""

import itertools
import os
import shutil
import uuid
from pathlib import Path

import pytest

from bot.db.session import make_engine, make_session_factory
from ops.cluster import PAIRS, Cluster, ClusterPorts
from ops.loadtest.customers import accident, seed_customers
from tests.conftest import AGENT_PASSWORDS, ROOT

SYNTHETIC_CUSTOMERS = 200


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "cluster: starts the whole cluster (PostgreSQL, Redis, nginx, 2×Rasa, "
        "2×actions); a few minutes",
    )


@pytest.fixture(scope="session")
def cluster(model_path: Path):
    # Under the repository: the postgres user must reach PostgreSQL's directory.
    base = ROOT / "var" / f"cluster-test-{uuid.uuid4().hex[:8]}"
    ports = ClusterPorts.unused()
    started = Cluster(base, ports, extra_env={**AGENT_PASSWORDS, "LOG_LEVEL": "DEBUG"})
    try:
        started.start(model_path)
        seed_customers(started.database_url("claims"), range(SYNTHETIC_CUSTOMERS))
        yield started
    finally:
        started.stop()
        if not os.environ.get("KEEP_CLUSTER_TEST_DIR"):
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def running_cluster(cluster: Cluster, model_path: Path) -> Cluster:
    """The cluster with every part running (a fault test before may have stopped one)."""
    cluster.start(model_path)
    return cluster


@pytest.fixture
def serving_cluster(cluster: Cluster, model_path: Path) -> Cluster:
    """Every part running but perhaps one Rasa server (restarting one takes minutes)."""
    if not any(cluster.status()[f"rasa-{pair}"] for pair in PAIRS):
        cluster.start(model_path)
        return cluster
    for database in ("tracker", "claims"):
        cluster.start_database(database)
    cluster.start_redis()
    cluster.start_nginx()
    for pair in PAIRS:
        cluster.start_pair(pair, ("actions",))
    return cluster


_numbers = itertools.count()


@pytest.fixture
def new_accidents():
    """new_accidents(n): the accidents of n customers no test has used yet."""

    def take(count: int):
        numbers = [next(_numbers) for _ in range(count)]
        assert numbers[-1] < SYNTHETIC_CUSTOMERS, "seed more synthetic customers"
        return [accident(number) for number in numbers]

    return take


@pytest.fixture
def claims_session_factory(cluster: Cluster):
    engine = make_engine(cluster.database_url("claims"))
    yield make_session_factory(engine)
    engine.dispose()
