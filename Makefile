.PHONY: run test lint format
# Aliases for the two README commands (scripts/run.sh and scripts/test.sh need no make).
run:
	./scripts/run.sh
test:
	./scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
