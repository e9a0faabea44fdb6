#!/usr/bin/env bash
# make run: set up, train only if needed, seed the demo database, start the bot.
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(scripts/prepare.sh)
scripts/build-widget.sh  # the website chat widget (/widget/demo.html)
source scripts/env.sh
exec python -m bot.launcher --model "$model"
