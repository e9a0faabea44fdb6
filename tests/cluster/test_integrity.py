"""Integrity under load: customers reporting at once through nginx and both Rasa
servers file exactly their reports, each once, with every fact as they told it.

CI size here (CLUSTER_TEST_CUSTOMERS, default 20); `make bench` runs the full 200.
"""

import asyncio
import os
from collections import Counter

import pytest

from ops.loadtest.client import report_concurrently

from .support import assert_all_filed, assert_reports_exactly_as_told, report_count

pytestmark = pytest.mark.cluster

CUSTOMERS = int(os.environ.get("CLUSTER_TEST_CUSTOMERS", "20"))


def test_customers_reporting_at_once_through_both_rasa_servers_file_exactly_their_reports(
    running_cluster, new_accidents, claims_session_factory
):
    before = report_count(claims_session_factory)
    runs = asyncio.run(report_concurrently(running_cluster.url, new_accidents(CUSTOMERS)))
    assert_all_filed(runs)
    assert report_count(claims_session_factory) - before == CUSTOMERS
    assert_reports_exactly_as_told(claims_session_factory, runs)
    # nginx spread the messages over both Rasa servers, and both answered plenty.
    served = Counter(e.upstream for run in runs for e in run.exchanges)
    rasa = {f"127.0.0.1:{port}" for port in running_cluster.ports.rasa}
    assert set(served) == rasa
    assert min(served.values()) > 0.25 * sum(served.values())
    # Conversations moved between the servers mid-report and kept their state.
    assert all(len({e.upstream for e in run.exchanges}) == 2 for run in runs)
    assert all(e.status == 200 and e.replies for run in runs for e in run.exchanges)
