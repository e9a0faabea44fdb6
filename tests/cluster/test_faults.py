"""Faults survived with nothing lost: servers killed under load, the claims database
stopped, the whole stack restarted mid-report; and logs that hide personal data.

Each test gets a cluster with every part running (`running_cluster` restarts
whatever an earlier test left stopped). The whole-stack restart comes last and
makes do with one Rasa server (`serving_cluster`): the one killed by the test
before comes back with everything else.
"""

import asyncio
import json
import time

import httpx
import pytest

from ops.loadtest.client import SUMMARY_START, TEXTS, RestCustomer

from .support import assert_all_filed, assert_reports_exactly_as_told, report_count

pytestmark = pytest.mark.cluster

TRY_AGAIN = TEXTS["utter_try_again"][0]
DATABASE_UNAVAILABLE = TEXTS["utter_database_unavailable"][0]


async def _after(seconds: float, fault, *args) -> None:  # noqa: ANN001
    """Run a blocking fault (kill, stop, start) `seconds` into the load."""
    await asyncio.sleep(seconds)
    await asyncio.to_thread(fault, *args)


def _replies(runs) -> list[str]:  # noqa: ANN001
    return [reply for run in runs for e in run.exchanges for reply in e.replies]


def test_action_servers_killed_under_load_customers_are_asked_to_retry_and_every_report_is_filed(
    running_cluster, new_accidents, claims_session_factory
):
    cluster = running_cluster
    before = report_count(claims_session_factory)
    accidents = new_accidents(8)

    def kill_both_then_restart() -> None:
        cluster.kill("actions-0")
        cluster.kill("actions-1")
        time.sleep(6)  # customers keep talking to a bot without its actions
        cluster.start_pair(0, ("actions",))
        cluster.start_pair(1, ("actions",))

    async def load_with_fault():
        async with httpx.AsyncClient(timeout=120) as client:
            customers = [RestCustomer(client, cluster.url, a, retry_delay=1.5) for a in accidents]
            await asyncio.gather(
                *(c.report_accident(until="utter_ask_own_loss") for c in customers)
            )
            assert [c.run.error for c in customers] == [None] * len(accidents)
            # Killed as every customer goes on from the middle of their report (a
            # fixed time into the load could be after the quick ones have finished).
            await asyncio.gather(
                *(c.resume() for c in customers), _after(0, kill_both_then_restart)
            )
            return [c.run for c in customers]

    runs = asyncio.run(load_with_fault())
    assert_all_filed(runs)
    # Customers were asked, politely and in Chinese, to send again; never silence or an error.
    assert TRY_AGAIN in _replies(runs)
    assert all(e.status == 200 and e.replies for run in runs for e in run.exchanges)
    # Nothing lost, nothing half-written, nothing twice.
    assert report_count(claims_session_factory) - before == len(runs)
    assert_reports_exactly_as_told(claims_session_factory, runs)


def test_claims_database_down_a_clear_message_no_crash_and_no_partial_report(
    running_cluster, new_accidents, claims_session_factory
):
    cluster = running_cluster
    before = report_count(claims_session_factory)
    confirming, identifying = new_accidents(2)

    async def scenario():
        async with httpx.AsyncClient(timeout=120) as client:
            at_summary = RestCustomer(client, cluster.url, confirming)
            await at_summary.report_accident(until="summary")
            assert at_summary.run.error is None, at_summary.run.transcript()
            newcomer = RestCustomer(client, cluster.url, identifying)
            await asyncio.to_thread(cluster.stop_database, "claims")
            try:
                assert _database_down(claims_session_factory)
                # Confirming needs the database: the bot says so and shows the summary again.
                confirm = await _say_once(at_summary, "确认")
                assert DATABASE_UNAVAILABLE in confirm
                assert any(r.startswith(SUMMARY_START) for r in confirm)
                # The identity check of a new report needs it too.
                said = [
                    await _say_once(newcomer, text)
                    for text in ("我要报案", identifying.plate, identifying.phone_tail)
                ]
                assert TRY_AGAIN in said[1] + said[2]
                status = cluster.status()
                assert all(
                    status[f"{kind}-{pair}"] for kind in ("rasa", "actions") for pair in (0, 1)
                ), f"a server stopped: {status}"
            finally:
                await asyncio.to_thread(cluster.start_database, "claims")
            assert report_count(claims_session_factory) == before  # nothing half-written
            # The database is back: confirming again files the report; the newcomer
            # sends the message the bot could not handle again and goes on.
            await at_summary.resume()
            newcomer.replies = await newcomer.say(newcomer.run.exchanges[-1].text)
            await newcomer.resume()
            return [at_summary.run, newcomer.run]

    runs = asyncio.run(scenario())
    assert_all_filed(runs)
    assert report_count(claims_session_factory) - before == 2
    assert_reports_exactly_as_told(claims_session_factory, runs)


async def _say_once(customer: RestCustomer, text: str) -> list[str]:
    """Send `text` once, as the customer would, and keep what the bot answers."""
    customer.max_retries, retries = 0, customer.max_retries
    try:
        customer.replies = await customer.say(text)
    except RuntimeError:  # asked to send again: that answer is what the test looks at
        customer.replies = customer.run.exchanges[-1].replies
    finally:
        customer.max_retries = retries
    assert customer.run.exchanges[-1].status == 200 and customer.replies, "silence"
    return customer.replies


def _database_down(session_factory) -> bool:
    """The claims database really is down (the test would prove nothing otherwise)."""
    try:
        report_count(session_factory)
    except Exception:  # noqa: BLE001 - any connection error will do
        return True
    return False


def test_logs_are_json_lines_that_hide_phones_id_numbers_and_plates(running_cluster, new_accidents):
    cluster = running_cluster
    [told] = new_accidents(1)
    phone, id_number = "13912345678", "110101199003071234"
    message = f"我的车牌是{told.plate}，手机{phone}，身份证{id_number}"
    servers = ("rasa-0", "rasa-1", "actions-0", "actions-1")
    written_before = {server: cluster.log_file(server).stat().st_size for server in servers}

    async def talk():
        async with httpx.AsyncClient(timeout=60) as client:
            customer = RestCustomer(client, cluster.url, told)
            await customer.say(message)

    asyncio.run(talk())
    secrets = [
        told.plate,
        told.plate[1:],
        phone,
        id_number,
        json.dumps(told.plate)[1:-1],
    ]  # as structlog escapes it
    masked_plate = told.plate[0] + "*" * (len(told.plate) - 1)
    logged = []
    for server in servers:
        text = cluster.log_file(server).read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in text, f"{secret} in the log of {server}"
        # Everything logged while the customer talked is one JSON object per line.
        new = cluster.log_file(server).read_bytes()[written_before[server] :].decode("utf-8")
        entries = [json.loads(line) for line in new.splitlines()]
        assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
        logged += [json.dumps(e, ensure_ascii=False) for e in entries]
    # At DEBUG the Rasa server that answered logged what the customer typed, masked.
    logged_text = "\n".join(logged)
    assert masked_plate in logged_text and "139********" in logged_text
    assert "*" * len(id_number) in logged_text


def test_one_rasa_server_killed_conversations_continue_on_the_other_with_their_state(
    running_cluster, new_accidents, claims_session_factory
):
    cluster = running_cluster
    before = report_count(claims_session_factory)
    survivor = f"127.0.0.1:{cluster.ports.rasa[1]}"
    accidents = new_accidents(6)

    async def half_way(client):
        customers = [RestCustomer(client, cluster.url, a, retry_delay=1.5) for a in accidents]
        await asyncio.gather(*(c.report_accident(until="utter_ask_own_loss") for c in customers))
        return customers

    async def finish(customers):
        await asyncio.gather(*(c.resume() for c in customers))

    # Killed in the middle of every conversation (not after a fixed time: the
    # reports are too quick for that to be the middle of anything).
    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(timeout=120)
        customers = runner.run(half_way(client))
        assert [c.run.error for c in customers] == [None] * len(accidents)
        cluster.kill("rasa-0")
        runner.run(finish(customers))
        runner.run(client.aclose())
    runs = [c.run for c in customers]
    assert_all_filed(runs)
    assert report_count(claims_session_factory) - before == len(runs)
    assert_reports_exactly_as_told(claims_session_factory, runs)
    # Every conversation was begun on both servers and finished on the survivor.
    assert all(run.exchanges[-1].upstream == survivor for run in runs)
    assert any(len({e.upstream for e in run.exchanges} - {"none"}) == 2 for run in runs)


def test_whole_stack_restarted_mid_report_the_conversation_resumes_where_it_was(
    serving_cluster, new_accidents, claims_session_factory, model_path
):
    cluster = serving_cluster
    accidents = new_accidents(3)

    async def half_way(client):
        customers = [RestCustomer(client, cluster.url, a) for a in accidents]
        await asyncio.gather(*(c.report_accident(until="utter_ask_own_loss") for c in customers))
        return customers

    async def finish(client, customers):
        await asyncio.gather(*(c.resume() for c in customers))

    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(timeout=120)
        customers = runner.run(half_way(client))
        assert [c.run.error for c in customers] == [None] * 3
        cluster.stop()
        assert not any(cluster.status().values())
        # nginx alone, no Rasa server behind it: it answers politely in the REST format.
        cluster.start_nginx()
        response = httpx.post(
            f"{cluster.url}/webhooks/rest/webhook",
            json={"sender": "nobody-home", "message": "你好"},
            timeout=30,
        )
        assert response.status_code == 200 and response.headers["x-upstream"] == "none"
        assert response.json() == [{"text": TRY_AGAIN}]
        cluster.start(model_path)
        # The first message after the restart answers the question asked before it.
        runner.run(finish(client, customers))
        runner.run(client.aclose())
    runs = [c.run for c in customers]
    assert_all_filed(runs)
    for run in runs:
        after_restart = run.exchanges[
            next(
                i
                for i, e in enumerate(run.exchanges)
                if e.text == run.accident.answers["utter_ask_own_loss"]
            )
        ]
        assert after_restart.replies and TRY_AGAIN not in after_restart.replies
        assert all(r not in TEXTS["utter_ask_accident_time"] for r in after_restart.replies)
    assert_reports_exactly_as_told(claims_session_factory, runs)
