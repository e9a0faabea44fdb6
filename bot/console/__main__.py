"""Run the agent console: python -m bot.console [--port 5010] [--host 127.0.0.1]."""

import argparse
import logging

from bot.console.app import create_app
from bot.settings import load_settings


def _log_our_lines() -> None:
    """Our own lines (logins, failures, logouts) beside Sanic's, which keeps its own."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    ours = logging.getLogger("bot")
    ours.addHandler(handler)
    ours.setLevel(logging.INFO)
    ours.propagate = False


def main() -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=settings.console_port)
    args = parser.parse_args()
    _log_our_lines()
    create_app(settings).run(host=args.host, port=args.port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
