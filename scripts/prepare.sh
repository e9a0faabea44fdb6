#!/usr/bin/env bash
# Shared first steps of `make run` and `make shell`: the environment, the model
# (trained only if its inputs changed) and the seeded claims database.
# Prints the model's path on stdout; everything else goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh >&2
source scripts/env.sh
echo "==> environment: .venv ($(python -V), packages as in requirements/lock.txt)" >&2
python scripts/train_if_needed.py
python -m bot.db.seed >&2
