"""The agent console (客服坐席): a small Sanic app, `python -m bot.console`."""
