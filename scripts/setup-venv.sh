#!/usr/bin/env bash
# Creates .venv and installs the locked environment (requirements/lock.txt).
# A re-run is a no-op unless the lock file or the Python version changed.
#
# Rasa 3.6.21 declares Requires-Python <3.11, but its wheel runs on 3.11
# (see ../shared/setup-notes.md). The lock pins every package exactly, so on
# 3.11 we install it with --no-deps --ignore-requires-python: nothing is
# resolved, pip only fetches the pinned files. (3.10 no longer: the locked
# Pillow 13 and pillow-heif require 3.11.)
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
LOCK=requirements/lock.txt

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

pyver=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
stamp="$VENV/.lock-$(cat "$LOCK" | sha256sum | cut -c1-16)-py$pyver"
if [ -f "$stamp" ]; then
    exit 0
fi

flags=(--no-deps --disable-pip-version-check -q)
case "$pyver" in
    3.11) flags+=(--ignore-requires-python) ;;
    *) echo "Python $pyver is not supported (3.11 only)" >&2; exit 1 ;;
esac

echo "==> installing the locked environment into $VENV (a few minutes the first time)"
start=$(date +%s)
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "pip==24.0"
"$VENV/bin/python" -m pip install "${flags[@]}" -r "$LOCK"
rm -f "$VENV"/.lock-*
touch "$stamp"
echo "==> environment ready in $(( $(date +%s) - start )) s"
