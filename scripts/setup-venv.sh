#!/usr/bin/env bash
# Creates .venv and installs the locked environment (requirements/lock.txt,
# generated from pyproject.toml by scripts/lock.sh) with uv's `pip sync`: the
# venv gets exactly the pinned packages, nothing is resolved at install time.
# A re-run is a no-op unless the lock file or the Python version changed.
#
# uv, not pip: one install of the lock into a fresh venv took 34 s with uv and
# 62 s with pip-tools' pip-sync (2026-12-07, this 2-core machine). uv itself
# lives in .venv/uv, outside the synced packages.
#
# Rasa 3.6.21 declares Requires-Python <3.11, but its wheel runs on 3.11
# (see ../shared/setup-notes.md); uv does not hold an upper bound against it.
# (3.10 no longer: the locked Pillow 13 and pillow-heif require 3.11.)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
LOCK=requirements/lock.txt
UV_VERSION=0.13.10
UV="$VENV/uv/bin/uv"

pick_python() {
    for candidate in "${PYTHON:-}" python3.11; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
            echo "$candidate"; return
        fi
    done
    echo "需要 Python 3.11 (need Python 3.11)" >&2; exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
    python=$(pick_python)
    echo "==> creating $VENV with $python"
    "$python" -m venv "$VENV"
fi

if [ "$("$UV" --version 2>/dev/null)" != "uv $UV_VERSION" ]; then
    rm -rf "$VENV/uv"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --target "$VENV/uv" "uv==$UV_VERSION"
fi

pyver=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
stamp="$VENV/.lock-$(cat "$LOCK" | sha256sum | cut -c1-16)-py$pyver"
if [ -f "$stamp" ]; then
    exit 0
fi

if [ "$pyver" != 3.11 ]; then
    echo "Python $pyver is not supported (3.11 only)" >&2; exit 1
fi

echo "==> installing the locked environment into $VENV (a minute or two the first time)"
start=$(date +%s)
"$UV" pip sync -q --python "$VENV/bin/python" "$LOCK"
rm -f "$VENV"/.lock-*
touch "$stamp"
echo "==> environment ready in $(( $(date +%s) - start )) s"
