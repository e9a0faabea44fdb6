#!/usr/bin/env bash
# Builds the website chat widget into widget/dist/ (served by bot/channels/widget.py).
# Idempotent: `npm ci` only when widget/package-lock.json changed, the build only
# when a source changed. Node.js and npm come from Debian's packages if missing.
set -euo pipefail
cd "$(dirname "$0")/../widget"

if ! command -v npm >/dev/null 2>&1; then
    echo "==> installing Node.js (Debian package) to build the chat widget" >&2
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >&2
fi

lock_stamp="node_modules/.ci-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$lock_stamp" ]; then
    echo "==> npm ci (chat widget)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    touch "$lock_stamp"
fi

sources=$(cat package-lock.json build.mjs demo.html src/* | sha256sum | cut -c1-16)
build_stamp="dist/.build-$sources"
if [ -f "$build_stamp" ]; then
    exit 0
fi
echo "==> building the chat widget into widget/dist/" >&2
rm -rf dist
node build.mjs
touch "$build_stamp"
