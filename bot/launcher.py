"""Start the action server, the Rasa server and (optionally) the agent console,
wait until they answer, stop them.

Used by ``make run`` (foreground, Ctrl-C stops both) and by the tests that talk
to the real servers over HTTP.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.internal_auth import ACTION_SERVER_TOKEN, RASA_API_TOKEN, secret
from bot.settings import DEFAULT_TRACKER_DB_URL

ROOT = Path(__file__).resolve().parent.parent
# credentials.yml names these; Rasa refuses to start when one is unset. Empty
# leaves the WeChat channel unconfigured (it refuses every request).
WECHAT_ENV_DEFAULTS = {
    name: "" for name in ("WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_TOKEN", "WECHAT_AES_KEY")
}


@dataclass
class Stack:
    rasa_port: int  # public: channels, socket.io, widget (bot.channels.server_gate)
    action_port: int
    console_port: int | None = None
    api_port: int | None = None  # internal: Rasa's HTTP API, with the token
    processes: list[subprocess.Popen] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # "actions", "rasa", "console", as started

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def api_token(self) -> str:
        return secret(RASA_API_TOKEN)

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


_TITLES = {"actions": "action server", "rasa": "Rasa server", "console": "agent console"}


def _say(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.loads(response.read())


def _wait_until(check, what: str, stack: Stack, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in stack.processes:
            if process.poll() is not None:
                stack.stop()
                raise RuntimeError(f"{what}: a server exited early (code {process.returncode})")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(1)
    stack.stop()
    raise RuntimeError(f"{what} did not become ready within {timeout:.0f} s")


def start_stack(
    model: Path,
    rasa_port: int = 5005,
    action_port: int = 5055,
    log_dir: Path = ROOT / "var" / "log",
    extra_env: dict[str, str] | None = None,
    timeout: float = 240,
    console_port: int | None = None,
    endpoints: Path = ROOT / "endpoints.yml",
    logging_config: Path | None = None,
    services: tuple[str, ...] = ("actions", "rasa"),
    api_port: int | None = None,
    announce: Callable[[str], None] = lambda text: None,
) -> Stack:
    """Start the servers as child processes and return once all are ready.

    The agent console starts only when `console_port` is given. The cluster mode
    (ops/cluster.py) passes its own endpoints file and logging configuration, and
    restarts one kind of server at a time through `services`. Rasa's HTTP API
    answers only on `api_port` (a free one when not given), with the token.
    `announce` is told what is happening (make run prints it). The servers run
    under bot.quiet: known third-party deprecation noise stays out of their logs.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    api_port = api_port or free_port()
    env = {
        **WECHAT_ENV_DEFAULTS,
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "RASA_API_PORT": str(api_port),
        # The console and the action server (handoff resume) call Rasa's HTTP API.
        "RASA_URL": f"http://127.0.0.1:{api_port}",
        **(extra_env or {}),
    }
    # Generated once under var/secrets/ unless the environment sets them.
    for name in (RASA_API_TOKEN, ACTION_SERVER_TOKEN):
        env[name] = secret(name, env)
    env["TRACKER_DB_URL"] = tracker_db_url(env)
    stack = Stack(rasa_port, action_port, console_port, api_port=api_port)
    python = sys.executable

    def logging_args(option: str) -> list[str]:
        return [option, str(logging_config)] if logging_config else []

    commands = {
        "actions": [
            python,
            "-m",
            "bot.quiet",
            "bot.action_server",
            "--port",
            str(action_port),
            *logging_args("--logging-config_file"),
        ],
        "rasa": [
            python,
            "-m",
            "bot.quiet",
            "bot.rasa_server",  # Rasa's command line, our patches installed first
            "run",
            "--model",
            str(model),
            "--enable-api",  # on the internal port only (bot.channels.server_gate)
            "--port",
            str(rasa_port),
            "--interface",
            "127.0.0.1",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            str(endpoints),
            *logging_args("--logging-config-file"),
        ],
    }
    commands = {name: command for name, command in commands.items() if name in services}
    if console_port is not None:
        commands["console"] = [python, "-m", "bot.console", "--port", str(console_port)]
    for name, command in commands.items():
        announce(f"starting the {_TITLES[name]} (log: {log_dir / f'{name}-{rasa_port}.log'})")
        log = open(log_dir / f"{name}-{rasa_port}.log", "ab")  # noqa: SIM115 - lives with the child
        stack.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
        stack.names.append(name)
    if "actions" in commands:
        _wait_until(
            lambda: _get_json(f"{stack.action_url}/health").get("status") == "ok",
            "action server",
            stack,
            timeout,
        )
    if "actions" in commands:
        announce("action server ready")
    if "rasa" in commands:
        announce("Rasa server: loading the model (about a minute)")
        _wait_until(lambda: _rasa_ready(stack, env[RASA_API_TOKEN]), "Rasa server", stack, timeout)
    if console_port is not None:
        _wait_until(
            lambda: _get_json(f"{stack.console_url}/health").get("status") == "ok",
            "agent console",
            stack,
            timeout,
        )
    announce("all servers ready")
    return stack


def tracker_db_url(env: dict[str, str]) -> str:
    """Where the Rasa server keeps the conversations (endpoints.yml): TRACKER_DB_URL,
    else var/tracker.db. SQLite creates the file and Rasa its table on the first
    start; only the directory has to exist."""
    url = env.get("TRACKER_DB_URL") or DEFAULT_TRACKER_DB_URL
    if url.startswith("sqlite:///"):
        (ROOT / url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return url


def _rasa_ready(stack: Stack, token: str) -> bool:
    # The public port answers, and the internal one with the model loaded.
    _get_json(f"{stack.rasa_url}/webhooks/photos/")
    return bool(_get_json(f"{stack.api_url}/status?token={token}").get("model_file"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("RASA_API_PORT", 5006)))
    parser.add_argument(
        "--console-port", type=int, default=int(os.environ.get("CONSOLE_PORT", 5010))
    )
    parser.add_argument("--no-console", action="store_true", help="do not start the agent console")
    args = parser.parse_args()
    stack = start_stack(
        args.model,
        args.rasa_port,
        args.action_port,
        console_port=None if args.no_console else args.console_port,
        api_port=args.api_port,
        announce=_say,
    )
    console = f"    console:   {stack.console_url}/  (客服坐席)\n" if stack.console_port else ""
    print(
        "\n==> 车险自助服务机器人已启动 (the bot is running)\n"
        f"    REST:      POST {stack.rasa_url}/webhooks/rest/webhook "
        '{"sender": "me", "message": "交强险赔多少"}\n'
        f"    socket.io: {stack.rasa_url}/socket.io\n"
        f"    web chat:  {stack.rasa_url}/widget/demo.html (网页聊天演示)\n"
        f"    internal:  Rasa API {stack.api_url} (token in var/secrets/), "
        f"actions {stack.action_url} — not for customers\n"
        f"{console}"
        f"    logs:      {ROOT / 'var' / 'log'}\n"
        "    Ctrl-C stops everything.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(process.poll() is None for process in stack.processes):
            time.sleep(1)
        print("a server stopped; see the logs above", file=sys.stderr)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
