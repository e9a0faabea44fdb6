#!/usr/bin/env bash
# make shell: chat in the terminal (starts its own action server in the background).
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(scripts/prepare.sh)
source scripts/env.sh
port=${ACTION_PORT:-5055}
mkdir -p var/log
# The action server runs actions only for callers with its secret (bot/internal_auth.py).
ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(python -c 'from bot.internal_auth import ACTION_SERVER_TOKEN as n, secret; print(secret(n))')}
export ACTION_SERVER_TOKEN
python -m bot.quiet bot.action_server --port "$port" > var/log/actions-shell.log 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null' EXIT
export ACTION_ENDPOINT_URL="http://127.0.0.1:$port/webhook"
# The conversations go where `make run` keeps them (endpoints.yml; bot/settings.py).
TRACKER_DB_URL=${TRACKER_DB_URL:-$(python -c 'from bot.launcher import tracker_db_url; print(tracker_db_url({}))')}
export TRACKER_DB_URL
# The shell's own server on loopback only; no HTTP API.
python -m bot.quiet rasa shell --model "$model" --endpoints endpoints.yml --interface 127.0.0.1
