# Targets a newcomer can guess. Every target sets up what it needs first.
SHELL := /bin/bash
WITH_ENV := source scripts/env.sh &&

.PHONY: help setup train db run shell test evaluate lint format clean cluster cluster-stop bench

help:
	@echo "make run       set up, train if needed, seed the demo database, start the bot"
	@echo "make test      set up, then run the whole test suite (PostgreSQL included)"
	@echo "make shell     chat with the bot in this terminal"
	@echo "make evaluate  held-out NLU evaluation and the report conversation, report under results/ (REAL=<questions file>; FORMS=0 skips the conversation)"
	@echo "make train     train the model if its inputs changed"
	@echo "make db        create and seed the embedded SQLite claims database"
	@echo "make lint      ruff"
	@echo "make cluster   the scale-out set on loopback: PostgreSQL, Redis, nginx, 2 Rasa + 2 action servers"
	@echo "make cluster-stop  stop it"
	@echo "make bench     understanding, latency, throughput, integrity: results/bench.md (ARGS=--quick)"

setup:
	@scripts/setup-venv.sh

train: setup
	@$(WITH_ENV) python scripts/train_if_needed.py

db: setup
	@$(WITH_ENV) python -m bot.db.seed

run:
	@scripts/run.sh

shell:
	@scripts/shell.sh

test:
	@scripts/test.sh

cluster:
	@scripts/cluster.sh start

cluster-stop:
	@scripts/cluster.sh stop

# Starts one instance and a cluster of its own on free ports, stops them at the end.
bench: setup
	@scripts/cluster.sh install
	@$(WITH_ENV) python scripts/bench.py $(ARGS)

# REAL=<file of real customers' questions> adds their labelled lines, scored apart: evaluation/real_labels.tsv
# (development) and evaluation/real_labels_held_out.tsv (held out, never tuned on).
# The report conversation through the real servers (evaluation/form_runner.py) runs too; FORMS=0 skips it.
evaluate: setup
	@$(WITH_ENV) python scripts/evaluate.py $(if $(REAL),--real "$(REAL)") $(if $(filter 0,$(FORMS)),,--forms)

lint: setup
	@$(WITH_ENV) ruff check . && ruff format --check .

format: setup
	@$(WITH_ENV) ruff check --fix . && ruff format .

clean:
	rm -rf models results var .pytest_cache .ruff_cache
