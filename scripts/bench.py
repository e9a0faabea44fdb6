"""make bench: how well the bot understands, how fast it answers, and that it
loses nothing under load. Writes results/bench.{md,json} and PNG plots.

1. Understanding: results/evaluation.json of `make evaluate` (runs it if
   missing): intent macro-F1, FAQ accuracy, entity F1, beside the TF-IDF +
   logistic-regression baseline on the same held-out split.
2. Latency per message over REST (p50/p95/p99) and throughput for an FAQ
   question and for a report-form step (ops/loadtest/latency.py), sequentially
   and with 10, 20 and 50 customers at once, on one instance (bot.launcher:
   SQLite claims database and tracker store, like `make run`) and on the
   cluster (ops.cluster: PostgreSQL, Redis, nginx, 2 Rasa + 2 action servers,
   like `make cluster`), one after the other in the same run.
3. Integrity: 200 customers each filing a whole report at once through the
   cluster; exactly 200 new reports, none twice, every fact as told
   (the checks of tests/cluster/).
4. Training time, model size, resident memory of every server, and the CPU time
   each Rasa and action server spent per message in each phase (from /proc: on a
   shared machine it moves far less than the latency does).

Everything started here runs on free ports under var/bench/ and is stopped
again, also on error or Ctrl-C. Against a deployment elsewhere:

    python scripts/bench.py --url https://bot.example.com

starts nothing and measures latency and throughput only (FAQ questions; the
report steps too with --seed-db, which creates the synthetic test customers in
that deployment's claims database: test deployments only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from train_if_needed import inputs_hash, train  # noqa: E402

from bot.internal_auth import RASA_API_TOKEN, secret  # noqa: E402
from bot.launcher import free_port  # noqa: E402
from ops.loadtest.client import report_concurrently  # noqa: E402
from ops.loadtest.customers import accident, seed_customers  # noqa: E402
from ops.loadtest.latency import dialogue_work, faq_phase, report_phase  # noqa: E402

RESULTS = ROOT / "results"
WORK = ROOT / "var" / "bench"
MESSAGES_PER_REPORT = 13  # about; a two-vehicle accident asks one more question
# Issue 15's targets for one instance on this 2-core machine (the report step at 20
# at once keeps the earlier 500 ms). Latency: p95 per message, by kind and customers at once.
TARGETS = {
    "latency_p95_ms": [
        {"kind": "faq", "customers": 1, "ms": 80},
        {"kind": "report", "customers": 1, "ms": 100},
        {"kind": "faq", "customers": 20, "ms": 500},
        {"kind": "report", "customers": 20, "ms": 500},
    ],
    "faq_throughput_msg_s": 40,  # the best FAQ phase
    "full_training_s": 300,
}
KINDS = {"faq": "FAQ question", "report": "report-form step"}


# -- what to run ---------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="measure this deployment only; start nothing locally")
    parser.add_argument(
        "--seed-db",
        help="with --url: create the synthetic customers in this "
        "claims database, then measure report steps too",
    )
    parser.add_argument(
        "--first",
        type=int,
        default=0,
        help="with --url: number of the first synthetic customer to use",
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="model (default: the one of the current inputs, else the newest in models/)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes while developing: 20 sequential, 5 and 10 at once, "
        "20 integrity customers",
    )
    parser.add_argument("--sequential", type=int, default=100, help="messages one at a time")
    parser.add_argument("--concurrency", default="10,20,50", help="customers at once")
    parser.add_argument(
        "--faq-each",
        type=int,
        default=5,
        help="FAQ questions per customer in the concurrent phases",
    )
    parser.add_argument("--integrity", type=int, default=200, help="customers, 0 = skip")
    parser.add_argument("--only", choices=("single", "cluster"), help="one deployment only")
    parser.add_argument(
        "--skip-train",
        action="store_true",
        help="do not time a full `rasa train` (reuse the last timing); --quick implies it",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.quick:
        args.sequential, args.concurrency, args.integrity, args.faq_each = 20, "5,10", 20, 3
    args.levels = [int(n) for n in args.concurrency.split(",") if n.strip()]
    return args


def choose_model(given: Path | None) -> Path:
    """The model of the current inputs; else the newest one (said in the report); a
    clean clone without any model trains one first."""
    if given:
        return given.resolve()
    current = ROOT / "models" / f"bot-{inputs_hash()}.tar.gz"
    if current.exists():
        return current
    existing = sorted((ROOT / "models").glob("bot-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if existing:
        print(
            f"bench: no model for the current inputs; using the newest, {existing[-1].name}",
            file=sys.stderr,
        )
        return existing[-1]
    output = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_if_needed.py")],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return Path(output.strip().splitlines()[-1])


# -- customer numbers ----------------------------------------------------------------
class Numbers:
    """Hands out synthetic customer numbers; each report needs a customer of its own."""

    def __init__(self, first: int, seeded: int):
        self.next, self.end = first, first + seeded

    def take(self, count: int) -> list:
        if self.next + count > self.end:
            raise RuntimeError("bench: more customers taken than seeded (customers_needed)")
        taken = [accident(n) for n in range(self.next, self.next + count)]
        self.next += count
        return taken


def customers_needed(args: argparse.Namespace, integrity: bool) -> int:
    return (
        1
        + math.ceil(args.sequential / MESSAGES_PER_REPORT)
        + sum(args.levels)
        + (args.integrity if integrity else 0)
    )


# -- measuring one deployment --------------------------------------------------------
def measure(
    name: str,
    url: str,
    numbers: Numbers | None,
    args: argparse.Namespace,
    api: tuple[str, str] | None = None,
    servers: dict[str, int] | None = None,
) -> dict:
    """All phases against `url`; the report phases only when `numbers` gives customers.

    `api` (Rasa's internal API URL and its token) adds how much dialogue work a
    message costs, read from the tracker; a remote deployment keeps its API closed.
    `servers` (name → pid, local deployments) adds their CPU time per message.
    """
    print(f"bench: {name}: warming up", file=sys.stderr)
    warm_up = asyncio.run(faq_phase(url, [accident(0)], 2))  # names a customer: no report
    if not warm_up.summary()["messages"]:
        raise SystemExit(f"bench: {url} does not answer: {warm_up.runs[0].transcript()}")
    if numbers:
        asyncio.run(report_phase(url, numbers.take(1)))
    phases = []

    def run(phase) -> None:  # noqa: ANN001 - a coroutine
        cpu_before = {name: cpu_seconds(pid) for name, pid in (servers or {}).items()}
        result = asyncio.run(phase)
        summary = result.summary()
        if cpu_before and summary["messages"]:
            summary["cpu_ms_per_message"] = {
                name: round((cpu_seconds(pid) - cpu_before[name]) / summary["messages"] * 1000, 1)
                for name, pid in servers.items()
            }
        # Others share this machine: their load moves the figures, so it is reported.
        summary["load_average"] = round(os.getloadavg()[0], 1)
        if result.kind == "report":
            summary["database_steps"] = result.database_steps()
        if api and result.customers == 1 and result.runs:
            try:
                summary["dialogue"] = asyncio.run(dialogue_work(*api, result.runs[0].sender))
            except httpx.HTTPError as error:
                print(f"bench: no tracker API: {error}", file=sys.stderr)
        phases.append(summary)
        print(
            f"bench: {name}: {KINDS[result.kind]} × {result.customers} at once: "
            f"{summary['messages']} messages, p95 {summary.get('p95_ms')} ms, "
            f"{summary['throughput']} msg/s",
            file=sys.stderr,
        )

    run(faq_phase(url, [accident(0)], args.sequential))
    if numbers:
        run(
            report_phase(
                url, numbers.take(math.ceil(args.sequential / MESSAGES_PER_REPORT)), sequential=True
            )
        )
    for level in args.levels:
        run(faq_phase(url, [accident(n) for n in range(level)], args.faq_each))
        if numbers:
            run(report_phase(url, numbers.take(level)))
    return {"url": url, "phases": phases}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_memory(pid: int) -> dict:
    """VmRSS and its peak VmHWM in MiB of a process together with its children
    (PostgreSQL and nginx fork workers)."""
    pids = [pid, *_descendants(pid)]
    total = {"VmRSS": 0, "VmHWM": 0}
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in total:
                    total[key] += int(value.split()[0])
        except OSError:
            continue
    return {
        "rss_mib": round(total["VmRSS"] / 1024, 1),
        "peak_rss_mib": round(total["VmHWM"] / 1024, 1),
        "processes": len(pids),
    }


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


# -- one instance ----------------------------------------------------------------------
def bench_single(model: Path, args: argparse.Namespace) -> dict:
    from bot.launcher import start_stack

    base = WORK / "single"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    database = f"sqlite:///{base / 'claims.db'}"
    needed = customers_needed(args, integrity=False)
    seed_customers(database, range(needed))
    print("bench: starting one instance (actions, Rasa, console)", file=sys.stderr)
    stack = start_stack(
        model,
        free_port(),
        free_port(),
        log_dir=base / "log",
        console_port=free_port(),
        extra_env={
            "CLAIMS_DB_URL": database,
            "TRACKER_DB_URL": f"sqlite:///{base / 'tracker.db'}",
            "PHOTO_DIR": str(base / "photos"),
        },
    )
    try:
        result = measure(
            "one instance",
            stack.rasa_url,
            Numbers(0, needed),
            args,
            api=(stack.api_url, stack.api_token),
            servers={
                name: process.pid
                for name, process in zip(stack.names, stack.processes, strict=True)
                if name in ("rasa", "actions")
            },
        )
        result["memory"] = {
            name: process_memory(process.pid)
            for name, process in zip(stack.names, stack.processes, strict=True)
        }
    finally:
        stack.stop()
    shutil.rmtree(base, ignore_errors=True)
    return result


# -- the cluster -------------------------------------------------------------------------
@contextmanager
def started_cluster(model: Path):
    from ops.cluster import Cluster, ClusterPorts

    base = WORK / "cluster"  # under the repository: the postgres user must reach it
    shutil.rmtree(base, ignore_errors=True)
    ports = ClusterPorts.unused()
    # Throw-away agents: passwords set here so that the seed prints none.
    agents = {name: secrets.token_urlsafe(12) for name in ("AGENT01_PASSWORD", "AGENT02_PASSWORD")}
    cluster = Cluster(base, ports, extra_env=agents)
    print(
        "bench: starting the cluster (PostgreSQL ×2, Redis, nginx, 2 Rasa + 2 actions)",
        file=sys.stderr,
    )
    try:
        cluster.start(model)
        yield cluster
    finally:
        cluster.stop()
    shutil.rmtree(base, ignore_errors=True)


def bench_cluster(model: Path, args: argparse.Namespace) -> dict:
    with started_cluster(model) as cluster:
        needed = customers_needed(args, integrity=True)
        seed_customers(cluster.database_url("claims"), range(needed))
        numbers = Numbers(0, needed)
        servers = {
            name: cluster._pid(name)  # noqa: SLF001 - the cluster's own pid files
            for name in ("rasa-0", "rasa-1", "actions-0", "actions-1")
        }
        result = measure(
            "cluster",
            cluster.url,
            numbers,
            args,
            api=(cluster.api_url(), secret(RASA_API_TOKEN)),
            servers={name: pid for name, pid in servers.items() if pid},
        )
        if args.integrity:
            try:
                result["integrity"] = integrity(cluster, numbers.take(args.integrity))
            except Exception:  # noqa: BLE001 - reported as failed; the figures above stay
                result["integrity"] = {
                    "customers": args.integrity,
                    "passed": False,
                    "problem": traceback.format_exc(),
                }
        result["memory"] = cluster_memory(cluster)
    return result


def integrity(cluster, accidents: list) -> dict:  # noqa: ANN001 - a ops.cluster.Cluster
    """The customers file a report each, all at once, through nginx and both Rasa
    servers; then the claims database must hold exactly their reports, as told."""
    import pytest

    from bot.db.session import make_engine, make_session_factory
    from ops.loadtest.latency import Phase
    from tests.cluster.support import (
        assert_all_filed,
        assert_reports_exactly_as_told,
        report_count,
    )

    print(f"bench: integrity: {len(accidents)} customers reporting at once", file=sys.stderr)
    engine = make_engine(cluster.database_url("claims"))
    session_factory = make_session_factory(engine)
    try:
        before = report_count(session_factory)
        started = time.perf_counter()
        runs = asyncio.run(report_concurrently(cluster.url, accidents))
        phase = Phase("report", len(accidents), time.perf_counter() - started, runs)
        new_reports = report_count(session_factory) - before
        problem = ""
        try:  # the checks of tests/cluster/, which fail the way pytest does
            assert_all_filed(runs)
            assert_reports_exactly_as_told(session_factory, runs)
        except (AssertionError, pytest.fail.Exception) as error:
            problem = str(error) or type(error).__name__
    finally:
        engine.dispose()
    numbers = [run.report_number for run in runs if run.report_number]
    served = Counter(e.upstream for e in phase.exchanges)
    rasa = {f"127.0.0.1:{port}" for port in cluster.ports.rasa}
    both = sum(1 for run in runs if len({e.upstream for e in run.exchanges}) == 2)
    passed = (
        not problem
        and new_reports == len(accidents)
        and set(served) == rasa
        and len(set(numbers)) == len(accidents)
    )
    return {
        "customers": len(accidents),
        "new_reports": new_reports,
        "report_numbers": len(numbers),
        "distinct_report_numbers": len(set(numbers)),
        "facts_correct": not problem,
        "served_by": dict(served),
        "customers_served_by_both": both,
        "passed": passed,
        "problem": problem[:3000],
        "load": phase.summary(),
    }


def cluster_memory(cluster) -> dict:  # noqa: ANN001 - a ops.cluster.Cluster
    memory = {}
    for name in ("rasa-0", "rasa-1", "actions-0", "actions-1", "nginx", "redis"):
        pid = cluster._pid(name)  # noqa: SLF001 - the cluster's own pid files
        if pid:
            memory[name] = process_memory(pid)
    for database in ("tracker", "claims"):
        pid_file = cluster.base / f"pg-{database}" / "data" / "postmaster.pid"
        if pid_file.exists():
            memory[f"postgres-{database}"] = process_memory(int(pid_file.read_text().split()[0]))
    return memory


# -- understanding and training ----------------------------------------------------------
def understanding() -> dict:
    path = RESULTS / "evaluation.json"
    if not path.exists():
        print("bench: no results/evaluation.json; running scripts/evaluate.py", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "evaluate.py")], cwd=ROOT, check=True
        )
    figures = json.loads(path.read_text(encoding="utf-8"))
    written = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    return {**figures, "written_at": written.isoformat(timespec="minutes")}


def training(model: Path, args: argparse.Namespace, previous: dict) -> dict:
    """Model size; a full training timed now (nothing cached) unless skipped, else the last one."""
    evaluation = json.loads((RESULTS / "evaluation.json").read_text(encoding="utf-8"))
    info = {
        "model": model.name,
        "model_mib": round(model.stat().st_size / 2**20, 1),
        "model_of_current_inputs": model.name == f"bot-{inputs_hash()}.tar.gz",
        "nlu_only_training_seconds": evaluation.get("nlu_training_seconds"),
        "full_training_seconds": previous.get("full_training_seconds"),
        "full_training_measured_at": previous.get("full_training_measured_at"),
    }
    if not (args.skip_train or args.quick):
        out = WORK / "train"
        shutil.rmtree(out, ignore_errors=True)
        # An empty cache of its own: Rasa would otherwise reuse components trained
        # before (.rasa/cache) and the time would not be a full training.
        with tempfile.TemporaryDirectory() as cache:
            os.environ["RASA_CACHE_DIRECTORY"] = cache
            started = time.monotonic()
            try:
                train("bench-train", out)
            finally:
                del os.environ["RASA_CACHE_DIRECTORY"]
        info["full_training_seconds"] = round(time.monotonic() - started, 1)
        info["full_training_measured_at"] = datetime.now(timezone.utc).isoformat(timespec="s")
        shutil.rmtree(out, ignore_errors=True)
    return info


# -- main ----------------------------------------------------------------------------------
def main() -> int:
    args = parse_args()
    # SIGTERM (make interrupted, CI timeout) stops what was started, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from bench_report import write_report

    args.out.mkdir(parents=True, exist_ok=True)
    previous_path = args.out / "bench.json"
    previous = json.loads(previous_path.read_text()) if previous_path.exists() else {}
    result = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "sequential_messages": args.sequential,
            "concurrency": args.levels,
            "faq_questions_each": args.faq_each,
            "integrity_customers": args.integrity,
            "quick": args.quick,
        },
        "targets": TARGETS,
        "deployments": {},
    }
    if args.url:
        numbers = None
        if args.seed_db:
            needed = customers_needed(args, integrity=False)
            seed_customers(args.seed_db, range(args.first, args.first + needed))
            numbers = Numbers(args.first, needed)
        result["deployments"]["remote"] = measure("remote", args.url, numbers, args)
    else:
        model = choose_model(args.model)
        result["understanding"] = understanding()
        result["training"] = training(model, args, previous.get("training", {}))
        if args.only in (None, "single"):
            result["deployments"]["single"] = bench_single(model, args)
        if args.only in (None, "cluster"):
            result["deployments"]["cluster"] = bench_cluster(model, args)
    previous_path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    headline = write_report(result, args.out)
    print(headline)
    integrity_result = result["deployments"].get("cluster", {}).get("integrity")
    return 1 if integrity_result and not integrity_result["passed"] else 0


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kib / 2**20, 1),
        "load_average_at_start": os.getloadavg()[0],
        "python": platform.python_version(),
    }


if __name__ == "__main__":
    sys.exit(main())
