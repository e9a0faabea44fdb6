"""The handoff relay across Rasa servers: a widget stays connected to one server
(nginx: ip_hash), while the agent's reply may be written through the other. The
socket.io rooms are shared over Redis, so the message still reaches the widget."""

import asyncio

import pytest

from bot.handoff.rasa_api import RasaApi
from bot.internal_auth import RASA_API_TOKEN, secret
from ops.cluster import PAIRS
from tests.console.support import SocketCustomer

pytestmark = pytest.mark.cluster


@pytest.mark.parametrize("written_on", PAIRS)
def test_a_message_written_on_either_rasa_server_reaches_a_widget_on_the_first(
    running_cluster, written_on
):
    customer = SocketCustomer(running_cluster.rasa_url(0))
    try:
        customer.say("你好")
        assert customer.replies(), "the widget's conversation has started"
        reply = f"您好，我是客服（经 {written_on} 号服务器）"
        api = RasaApi(running_cluster.api_url(written_on), secret(RASA_API_TOKEN))
        asyncio.run(api.say(customer.session_id, reply, "socketio", {}))
        assert customer.replies(timeout=30) == [reply]
    finally:
        customer.close()
