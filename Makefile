.PHONY: run test lint format bench
# Aliases for the two README commands (scripts/run.sh and scripts/test.sh need no make).
run:
	./scripts/run.sh
test:
	./scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
# The benchmark suite (benchmarks/run.sh): rewrites benchmarks/RESULTS.md, < 20 minutes.
bench:
	./benchmarks/run.sh
