#!/usr/bin/env bash
# make shell: chat in the terminal (starts its own action server in the background).
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(scripts/prepare.sh)
source scripts/env.sh
port=${ACTION_PORT:-5055}
mkdir -p var/log
python -m rasa_sdk --actions bot.actions --port "$port" > var/log/actions-shell.log 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null' EXIT
export ACTION_ENDPOINT_URL="http://127.0.0.1:$port/webhook"
# The conversations go where `make run` keeps them (endpoints.yml; bot/settings.py).
TRACKER_DB_URL=${TRACKER_DB_URL:-$(python -c 'from bot.launcher import tracker_db_url; print(tracker_db_url({}))')}
export TRACKER_DB_URL
python -m rasa shell --model "$model" --endpoints endpoints.yml
