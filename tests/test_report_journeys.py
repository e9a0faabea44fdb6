"""Whole accident reports of issue 13 (evaluation/report_journeys.yml) through the
real servers, checked in the claims database.

Each journey is one customer of ../shared/demo-data.md answering whatever the bot
asks, from the first message to the outcome: one row after 确认 with the outcome
and reasons domain.md §4 promises, none after a cancel, and no hand-off the
customer did not ask for. One stack runs them all, each round from freshly loaded
demo data; a restart of the servers happens in the middle of one of them.
"""

import pytest

from evaluation.form_runner import (
    DEMO,
    NEVER,
    RESTART,
    load_journeys,
    run_journeys,
)

JOURNEYS = load_journeys()


def test_the_journeys_cover_what_issue_13_asks_for():
    assert len(JOURNEYS) >= 30
    assert {journey.customer for journey in JOURNEYS} == set(DEMO)
    said = [text for j in JOURNEYS for texts in j.answers.values() for text in texts]
    assert RESTART in said and NEVER in said
    assert any(j.expect["reports"] == 0 and not j.expect.get("handoff") for j in JOURNEYS)
    assert any(j.expect.get("handoff") == "customer_request" for j in JOURNEYS)
    assert any(len(texts) > 1 for j in JOURNEYS for texts in j.answers.values())


@pytest.fixture(scope="module")
def journey_results(evaluation_bot) -> list:
    return run_journeys(evaluation_bot, JOURNEYS)


@pytest.mark.servers
@pytest.mark.parametrize("index", range(len(JOURNEYS)), ids=[j.name for j in JOURNEYS])
def test_the_report_ends_right(journey_results, index):
    result = journey_results[index]
    assert result.journey is JOURNEYS[index]
    assert result.right, result.describe()
