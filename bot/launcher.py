"""Start the action server and the Rasa server, wait until both answer, stop them.

Used by ``make run`` (foreground, Ctrl-C stops both) and by the tests that talk
to the real servers over HTTP.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Stack:
    rasa_port: int
    action_port: int
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


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
) -> Stack:
    """Start both servers as child processes and return once both are ready."""
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        **(extra_env or {}),
    }
    stack = Stack(rasa_port, action_port)
    python = sys.executable
    commands = {
        "actions": [python, "-m", "rasa_sdk", "--actions", "bot.actions",
                    "--port", str(action_port)],
        "rasa": [python, "-m", "rasa", "run", "--model", str(model), "--enable-api",
                 "--cors", "*", "--port", str(rasa_port), "--interface", "127.0.0.1",
                 "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
    }
    for name, command in commands.items():
        log = open(log_dir / f"{name}-{rasa_port}.log", "ab")  # noqa: SIM115 - lives with the child
        stack.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    _wait_until(lambda: _get_json(f"{stack.action_url}/health").get("status") == "ok",
                "action server", stack, timeout)
    _wait_until(lambda: bool(_get_json(f"{stack.rasa_url}/status").get("model_file")),
                "Rasa server", stack, timeout)
    return stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--action-port", type=int,
                        default=int(os.environ.get("ACTION_PORT", 5055)))
    args = parser.parse_args()
    stack = start_stack(args.model, args.rasa_port, args.action_port)
    print(
        "\n==> 车险自助服务机器人已启动 (the bot is running)\n"
        f"    REST:      POST {stack.rasa_url}/webhooks/rest/webhook "
        '{"sender": "me", "message": "交强险赔多少"}\n'
        f"    socket.io: {stack.rasa_url}/socket.io\n"
        f"    actions:   {stack.action_url}/health\n"
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
