"""python -m ops.loadtest --url URL --customers N [--first K] [--seed-db DB_URL]

N simulated customers report an accident each, all at once, against any
deployment's REST channel (a Rasa server, or nginx in front of the cluster).
The customers must exist in the claims database the deployment uses:
--seed-db creates them there (test databases only, never production).
"""

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter

from ops.loadtest.client import report_concurrently
from ops.loadtest.customers import accident, seed_customers


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:5080")
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--first", type=int, default=0, help="number of the first customer")
    parser.add_argument("--seed-db", help="create the customers in this claims database first")
    args = parser.parse_args()
    numbers = range(args.first, args.first + args.customers)
    if args.seed_db:
        seed_customers(args.seed_db, numbers)
    started = time.perf_counter()
    runs = asyncio.run(report_concurrently(args.url, [accident(n) for n in numbers]))
    elapsed = time.perf_counter() - started
    latencies = sorted(e.seconds for run in runs for e in run.exchanges)
    failed = [run for run in runs if run.error]
    upstreams = Counter(e.upstream or "-" for run in runs for e in run.exchanges)
    print(
        f"{len(runs) - len(failed)}/{len(runs)} reports filed in {elapsed:.1f} s; "
        f"{len(latencies)} messages, {len(latencies) / elapsed:.1f} msg/s, "
        f"retries {sum(run.retries for run in runs)}"
    )
    if latencies:
        q = statistics.quantiles(latencies, n=100)
        print(
            f"latency p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
            f"p99 {q[98] * 1000:.0f} ms"
        )
    print("answered by:", dict(upstreams))
    for run in failed:
        print(f"\n{run.sender} ({run.accident.plate}): {run.error}\n{run.transcript()}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
