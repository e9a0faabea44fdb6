#!/usr/bin/env bash
# make run: set up, train only if needed, seed the demo database, start the bot.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
source scripts/env.sh
model=$(python scripts/train_if_needed.py)
python -m bot.db.seed
exec python -m bot.launcher --model "$model"
