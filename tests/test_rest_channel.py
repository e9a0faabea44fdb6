"""The REST channel's own word on who is talking and through what."""

from types import SimpleNamespace

from bot.channels.rest import SafeRestInput


def test_a_rest_caller_cannot_claim_to_be_another_channel():
    # A WeChat user's identity is bound to their openid on the WeChat channel only;
    # a REST caller sending that openid and "wechat" must stay a REST caller.
    request = SimpleNamespace(
        json={"sender": "o-openid", "message": "我的保单", "input_channel": "wechat"}
    )
    assert SafeRestInput()._extract_input_channel(request) == "rest"
