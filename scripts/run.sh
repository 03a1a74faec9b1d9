#!/usr/bin/env bash
# Runs the whole platform on the embedded default: SQLite, a file-system broker, files on disk and
# the platform simulator. Web, Celery worker, Celery beat and the simulator; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
PORT=${PORT:-8000}
# Links in e-mails sent by the worker (and the Site allauth names) follow the port we serve on.
export CHORUS_SITE_URL=${CHORUS_SITE_URL:-http://127.0.0.1:$PORT}
SIM_PORT=${SIM_PORT:-8765}
export PLATFORM_SIMULATOR_URL=${PLATFORM_SIMULATOR_URL:-http://127.0.0.1:$SIM_PORT}
PY=.venv/bin/python
var_dir=${CHORUS_VAR_DIR:-var}
mkdir -p "$var_dir/broker/queue" "$var_dir/broker/processed" "$var_dir/broker/control"

$PY manage.py migrate --noinput
$PY manage.py seed_demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$PY -m platforms.simulator --port "$SIM_PORT" & pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --pool=threads --concurrency=2 \
  -Q "$($PY -c 'from core.queues import ALL_QUEUES; print(ALL_QUEUES)')" & pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO & pids+=($!)
$PY manage.py runserver "127.0.0.1:$PORT" --noreload & pids+=($!)

sleep 2
cat <<MSG

  Chorus is running at http://127.0.0.1:$PORT/
  Log in with any of these (password: chorus-demo):
    brand owner   owner@demo.chorus.test
    reviewer      reviewer@demo.chorus.test
    creator       creator@demo.chorus.test
  API docs: http://127.0.0.1:$PORT/api/v1/docs/    Admin: create one with 'make superuser'
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
