#!/usr/bin/env bash
# Liveness of the Celery worker on this machine: it must answer a ping over the broker.
#
# Celery has known failures where a worker survives a broker outage, reconnects, and never
# consumes again (drills/test_redis_down.py checks the ping after a Redis outage). systemd's
# Restart= does not help, because the process is alive. Run by liaison-worker-liveness.timer
# every minute: after FAILURES_BEFORE_RESTART consecutive failed pings while Redis itself
# answers, the worker is restarted (acks_late: an unfinished report job is delivered again).
set -uo pipefail

APP_DIR=${APP_DIR:-/opt/liaison}
ENV_FILE=${ENV_FILE:-/etc/liaison/liaison.env}
SERVICE=${SERVICE:-liaison-worker.service}
WORKER=${WORKER:-celery@$(hostname)}
FAILURES_BEFORE_RESTART=${FAILURES_BEFORE_RESTART:-3}
STATE=${STATE:-/run/liaison-worker-liveness.failures}

set -a
# shellcheck disable=SC1090
[ -r "$ENV_FILE" ] && . "$ENV_FILE"
set +a

if ! systemctl is-active --quiet "$SERVICE"; then
  exit 0 # stopped on purpose or restarting: systemd's own Restart= handles a crash
fi

# A broker outage is not the worker's fault: restarting it would not help, so wait.
if ! "$APP_DIR/.venv/bin/python" - <<'PY'
import os, sys
import redis
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3, socket_timeout=3).ping()
except Exception:
    sys.exit(1)
PY
then
  logger -t liaison-liveness "Redis does not answer; not judging the worker."
  exit 0
fi

cd "$APP_DIR" || exit 1
if runuser -u liaison -- "$APP_DIR/.venv/bin/celery" -A liaison inspect ping -d "$WORKER" --timeout 10 \
    2>/dev/null | grep -q pong; then
  rm -f "$STATE"
  exit 0
fi

failures=$(( $(cat "$STATE" 2>/dev/null || echo 0) + 1 ))
echo "$failures" > "$STATE"
logger -t liaison-liveness "Worker $WORKER did not answer the ping ($failures in a row)."
if [ "$failures" -ge "$FAILURES_BEFORE_RESTART" ]; then
  logger -t liaison-liveness "Restarting $SERVICE: connected to Redis but not answering."
  rm -f "$STATE"
  systemctl restart "$SERVICE"
fi
