#!/usr/bin/env bash
# Regenerates requirements/lock.txt from pyproject.toml (the direct dependencies,
# the `test` extra, and [tool.uv]'s overrides and constraints) with uv.
# Versions already in the lock are kept while they still fit; pass
# `--upgrade-package NAME` (or `--upgrade`) to move them. tests/test_lock.py
# checks the result against pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
.venv/uv/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 \
    --custom-compile-command "scripts/lock.sh" -o requirements/lock.txt "$@"
