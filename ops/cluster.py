"""The cluster mode: Rasa's scale-out design, all of it on loopback.

    python -m ops.cluster start --model M   (scripts/cluster.sh start, make cluster)
    python -m ops.cluster stop              (make cluster-stop)
    python -m ops.cluster status

What runs, each part as the current user with its data and logs under one
directory (var/cluster/ by default):

- PostgreSQL for the tracker store (every conversation, any Rasa server);
- PostgreSQL for the claims database (CLAIMS_DB_URL), a separate server as in
  production, so that it can fail on its own;
- Redis for Rasa's lock store (one message of a conversation at a time);
- two action servers and two Rasa servers (bot.launcher), with
  deploy/endpoints.cluster.yml and deploy/logging.yml (JSON lines, masked);
- nginx (deploy/nginx.conf.template): the public port spreads REST over both
  Rasa servers and keeps socket.io clients on one; an internal port spreads
  the Rasa servers' action calls over both action servers.

The PostgreSQL servers come from scripts/postgres.sh; the pid files of the
rest are in <dir>/run/, so `stop` works from another process than `start`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.launcher import ROOT, Stack, free_port, start_stack
from bot.texts import response_text

DEPLOY = ROOT / "deploy"
PAIRS = (0, 1)  # two Rasa servers, two action servers
STOP_TIMEOUT = 20


@dataclass(frozen=True)
class ClusterPorts:
    http: int = 5080  # customers: REST, socket.io, photos, widget (nothing else)
    actions: int = 5081  # internal: the action servers behind nginx
    api: int = 5082  # internal: Rasa's HTTP API of both servers behind nginx (token)
    rasa: tuple[int, int] = (5101, 5102)
    rasa_api: tuple[int, int] = (5111, 5112)
    action_servers: tuple[int, int] = (5151, 5152)
    tracker_db: int = 55433
    claims_db: int = 55434
    redis: int = 56379

    @classmethod
    def unused(cls) -> ClusterPorts:
        """Ports nothing listens on now: a cluster beside another one (tests, bench)."""
        return cls(
            http=free_port(),
            actions=free_port(),
            api=free_port(),
            rasa=(free_port(), free_port()),
            rasa_api=(free_port(), free_port()),
            action_servers=(free_port(), free_port()),
            tracker_db=free_port(),
            claims_db=free_port(),
            redis=free_port(),
        )


class Cluster:
    """One cluster's directory, ports and processes."""

    def __init__(
        self,
        base: Path = ROOT / "var" / "cluster",
        ports: ClusterPorts = ClusterPorts(),
        extra_env: dict[str, str] | None = None,
    ):
        self.base = base
        self.ports = ports
        self.extra_env = extra_env or {}
        self.run_dir = base / "run"
        self.log_dir = base / "log"
        self.nginx_dir = base / "nginx"
        # Children started by this process: waited for, so they do not linger as zombies.
        self._children: dict[str, subprocess.Popen] = {}

    # -- addresses ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.http}"

    def rasa_url(self, pair: int) -> str:
        """Rasa server `pair`'s public port (what nginx's public server proxies to)."""
        return f"http://127.0.0.1:{self.ports.rasa[pair]}"

    def api_url(self, pair: int | None = None) -> str:
        """Rasa's HTTP API of server `pair`, or of either through nginx (needs the token)."""
        port = self.ports.api if pair is None else self.ports.rasa_api[pair]
        return f"http://127.0.0.1:{port}"

    def log_file(self, name: str) -> Path:
        """The log of "rasa-0", "actions-1", "nginx-access", "redis"…"""
        return self.log_dir / f"{name}.log"

    def _url_file(self, database: str) -> Path:
        return self.run_dir / f"{database}.url"

    def database_url(self, database: str) -> str:
        """The SQLAlchemy URL of "tracker" or "claims" (known once the server started)."""
        return self._url_file(database).read_text().strip()

    # -- the whole set -----------------------------------------------------------------
    def start(self, model: Path) -> None:
        for directory in (self.run_dir, self.log_dir, self.nginx_dir / "tmp", self.base / "redis"):
            directory.mkdir(parents=True, exist_ok=True)
        (self.run_dir / "model").write_text(str(model))
        self.start_database("tracker")
        self.start_database("claims")
        self._seed_claims()
        self.start_redis()
        self.start_nginx()
        self._in_parallel([lambda pair=pair: self.start_pair(pair) for pair in PAIRS])

    def stop(self) -> None:
        self._in_parallel([lambda pair=pair: self.stop_pair(pair) for pair in PAIRS])
        self.stop_nginx()
        self.stop_redis()
        self.stop_database("claims")
        self.stop_database("tracker")

    def status(self) -> dict[str, bool]:
        names = [f"{kind}-{pair}" for pair in PAIRS for kind in ("actions", "rasa")]
        running = {name: self._alive(name) for name in ["nginx", "redis", *names]}
        for database in ("tracker", "claims"):
            running[f"postgres-{database}"] = self._database_running(database)
        return running

    @staticmethod
    def _in_parallel(jobs: list) -> None:
        errors: list[BaseException] = []

        def run(job) -> None:  # noqa: ANN001
            try:
                job()
            except BaseException as error:  # noqa: BLE001 - re-raised below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    # -- PostgreSQL (scripts/postgres.sh) ----------------------------------------------
    def _postgres(self, database: str, command: str) -> str:
        port = self.ports.tracker_db if database == "tracker" else self.ports.claims_db
        # Durable (fsync on): conversations and reports are real data here.
        env = {
            **os.environ,
            "PG_DIR": str(self.base / f"pg-{database}"),
            "PG_PORT": str(port),
            "PG_DATABASE": database,
            "PG_DURABLE": "1",
        }
        result = subprocess.run(
            [str(ROOT / "scripts" / "postgres.sh"), command],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def start_database(self, database: str) -> None:
        self._url_file(database).write_text(self._postgres(database, "start"))

    def stop_database(self, database: str) -> None:
        if (self.base / f"pg-{database}").exists():
            self._postgres(database, "stop")

    def _database_running(self, database: str) -> bool:
        return (self.base / f"pg-{database}" / "data" / "postmaster.pid").exists()

    def _seed_claims(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "bot.db.seed", "--url", self.database_url("claims")],
            cwd=ROOT,
            check=True,
            env={**os.environ, **self.extra_env},
        )

    # -- Redis and nginx ---------------------------------------------------------------
    def start_redis(self) -> None:
        if self._alive("redis"):
            return
        # The lock store holds only short-lived locks: nothing to persist.
        subprocess.run(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.ports.redis),
                "--dir",
                str(self.base / "redis"),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self._pid_file("redis")),
                "--logfile",
                str(self.log_file("redis")),
            ],
            check=True,
        )
        _wait_for(lambda: self._pid("redis") is not None, "redis", 20)

    def stop_redis(self) -> None:
        self._terminate("redis")

    def render_nginx_config(self) -> Path:
        def servers(ports: tuple[int, int]) -> str:
            return "\n".join(
                f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
            )

        try_again = json.dumps([{"text": response_text("utter_try_again")}], ensure_ascii=False)
        values = {
            "RUN_DIR": str(self.run_dir),
            "LOG_DIR": str(self.log_dir),
            "NGINX_DIR": str(self.nginx_dir),
            "PUBLIC_PORT": str(self.ports.http),
            "ACTIONS_PORT": str(self.ports.actions),
            "API_PORT": str(self.ports.api),
            "RASA_SERVERS": servers(self.ports.rasa),
            "RASA_API_SERVERS": servers(self.ports.rasa_api),
            "ACTION_SERVERS": servers(self.ports.action_servers),
            "TRY_AGAIN_JSON": try_again,
        }
        text = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")
        for name, value in values.items():
            text = text.replace(f"@@{name}@@", value)
        config = self.nginx_dir / "nginx.conf"
        config.write_text(text, encoding="utf-8")
        return config

    def _nginx(self, *args: str) -> None:
        subprocess.run(
            [
                _program("nginx"),
                "-p",
                str(self.nginx_dir),
                "-c",
                str(self.nginx_dir / "nginx.conf"),
                "-e",
                str(self.log_file("nginx-error")),
                *args,
            ],
            check=True,
        )

    def start_nginx(self) -> None:
        self.render_nginx_config()
        if self._alive("nginx"):
            self._nginx("-s", "reload")
            return
        self._nginx()
        _wait_for(lambda: self._pid("nginx") is not None, "nginx", 20)

    def stop_nginx(self) -> None:
        self._terminate("nginx")

    # -- the bot's servers -------------------------------------------------------------
    def server_env(self) -> dict[str, str]:
        return {
            "CLAIMS_DB_URL": self.database_url("claims"),
            "TRACKER_DB_URL": self.database_url("tracker"),
            "LOCK_STORE_REDIS_PORT": str(self.ports.redis),
            "REDIS_URL": f"redis://127.0.0.1:{self.ports.redis}/1",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.ports.actions}/webhook",
            "RASA_URL": self.api_url(),  # console and action servers: the internal API
            "PHOTO_DIR": str(self.base / "photos"),  # shared storage on one machine
            **self.extra_env,
        }

    def start_pair(self, pair: int, services: tuple[str, ...] = ("actions", "rasa")) -> None:
        """Start action server and/or Rasa server number `pair` (0 or 1)."""
        services = tuple(s for s in services if not self._alive(f"{s}-{pair}"))
        if not services:
            return
        model = Path((self.run_dir / "model").read_text().strip())
        stack = start_stack(
            model,
            self.ports.rasa[pair],
            self.ports.action_servers[pair],
            log_dir=self.base / "log" / f"pair-{pair}",
            extra_env=self.server_env(),
            endpoints=DEPLOY / "endpoints.cluster.yml",
            logging_config=DEPLOY / "logging.yml",
            services=services,
            timeout=300,
            api_port=self.ports.rasa_api[pair],
        )
        self._adopt(stack, pair)

    def _adopt(self, stack: Stack, pair: int) -> None:
        for name, process in zip(stack.names, stack.processes, strict=True):
            key = f"{name}-{pair}"
            self._children[key] = process
            self._pid_file(key).write_text(str(process.pid))
            link = self.log_file(key)
            link.unlink(missing_ok=True)
            link.symlink_to(Path("pair-" + str(pair)) / f"{name}-{stack.rasa_port}.log")

    def stop_pair(self, pair: int, services: tuple[str, ...] = ("rasa", "actions")) -> None:
        for service in services:
            self._terminate(f"{service}-{pair}")

    def kill(self, name: str) -> None:
        """Kill a server at once (SIGKILL), as a crash would: "rasa-0", "actions-1"…"""
        self._terminate(name, signal.SIGKILL)

    # -- processes by pid file ---------------------------------------------------------
    def _pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def _pid(self, name: str) -> int | None:
        try:
            return int(self._pid_file(name).read_text().strip())
        except (OSError, ValueError):
            return None

    def _alive(self, name: str) -> bool:
        if name in self._children:
            return self._children[name].poll() is None
        pid = self._pid(name)
        return pid is not None and _process_running(pid)

    def _terminate(self, name: str, sig: int = signal.SIGTERM) -> None:
        pid = self._pid(name)
        if pid is not None and self._alive(name):
            os.kill(pid, sig)
            deadline = time.monotonic() + STOP_TIMEOUT
            while self._alive(name) and time.monotonic() < deadline:
                time.sleep(0.2)
            if self._alive(name):
                os.kill(pid, signal.SIGKILL)
                _wait_for(lambda: not self._alive(name), f"{name} to stop", 10)
        self._children.pop(name, None)
        self._pid_file(name).unlink(missing_ok=True)


def _process_running(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped) counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{name} is not installed: run scripts/cluster.sh start")
    return found


def _wait_for(check, what: str, timeout: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--model", type=Path, help="the trained model (start)")
    args = parser.parse_args()
    cluster = Cluster()
    if args.command == "start":
        if args.model is None:
            parser.error("start needs --model")
        cluster.start(args.model)
        print(
            "\n==> 集群已启动 (the cluster is running)\n"
            f"    REST:      POST {cluster.url}/webhooks/rest/webhook "
            '{"sender": "me", "message": "我要报案"}\n'
            f"    socket.io: {cluster.url}/socket.io\n"
            f"    web chat:  {cluster.url}/widget/demo.html\n"
            f"    servers:   Rasa {', '.join(cluster.rasa_url(p) for p in PAIRS)}; actions via "
            f"nginx 127.0.0.1:{cluster.ports.actions}; Rasa API (internal, token) via "
            f"nginx 127.0.0.1:{cluster.ports.api}\n"
            f"    logs:      {cluster.log_dir} (JSON lines)\n"
            "    stop:      make cluster-stop",
            flush=True,
        )
    elif args.command == "stop":
        cluster.stop()
        print("集群已停止 (the cluster is stopped)")
    else:
        running = cluster.status()
        for name, alive in running.items():
            print(f"{name:18} {'running' if alive else 'stopped'}")
        sys.exit(0 if all(running.values()) else 3)


if __name__ == "__main__":
    main()
