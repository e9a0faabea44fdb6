#!/usr/bin/env bash
# make test: set up what is missing, then run the whole suite.
# PostgreSQL is installed (Debian package) and started by scripts/postgres.sh so
# the database tests run against both SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
scripts/build-widget.sh      # the chat widget the browser tests load
scripts/install-browser.sh   # Debian's chromium for tests/browser/
scripts/cluster.sh install    # Debian's nginx and Redis for tests/cluster/
source scripts/env.sh
python scripts/train_if_needed.py > /dev/null
TEST_POSTGRES_URL=$(scripts/postgres.sh)
export TEST_POSTGRES_URL
trap 'scripts/postgres.sh stop > /dev/null 2>&1 || true' EXIT
echo "==> lint"
ruff check .
ruff format --check .
echo "==> tests"
python -m pytest "$@"
