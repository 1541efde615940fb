#!/usr/bin/env bash
# Serve the demo: migrate, seed, then run a Celery worker (with beat) beside the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p var
# One generated demo password per checkout, so that logins stay the same between runs.
if [ -z "${LIAISON_DEMO_PASSWORD:-}" ]; then
  [ -s var/demo-password ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(12))" > var/demo-password
  LIAISON_DEMO_PASSWORD=$(cat var/demo-password)
fi
export LIAISON_DEMO_PASSWORD
# Likewise one encryption key for the local demo's notes and files.
if [ -z "${LIAISON_ENCRYPTION_KEYS:-}" ]; then
  [ -s var/encryption-key ] || "$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > var/encryption-key
  LIAISON_ENCRYPTION_KEYS=$(cat var/encryption-key)
fi
export LIAISON_ENCRYPTION_KEYS
# The demo runs without the second factor unless asked (LIAISON_REQUIRE_2FA=1 make run).
export LIAISON_REQUIRE_2FA=${LIAISON_REQUIRE_2FA:-0}
"$PY" manage.py migrate --no-input
"$PY" manage.py seed_demo
"$PY" -m celery -A liaison worker --beat --pool=solo --loglevel=warning \
  --schedule var/celerybeat-schedule >var/celery.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Celery worker running (pid $worker, log in var/celery.log)."
if [ "$LIAISON_REQUIRE_2FA" = "0" ]; then
  echo "!! Two-factor sign-in is OFF for this demo (LIAISON_REQUIRE_2FA=0). Production requires it."
  echo "   The admin (/admin/) still needs it: enrol an authenticator app at /accounts/two-factor/setup/."
else
  echo "Two-factor sign-in is ON: enrol an authenticator app at the first sign-in."
fi
echo "Open http://127.0.0.1:8000/ and sign in with a login above. Stop with Ctrl+C."
"$PY" manage.py runserver 127.0.0.1:8000
