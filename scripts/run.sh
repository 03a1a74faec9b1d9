#!/usr/bin/env bash
# Runs the whole platform on the embedded default: SQLite, a file-system broker, files on disk and
# the platform simulator. Web, Celery worker, Celery beat, the platform simulator and the Stripe
# stand-in (payouts.stripe_standin, unless STRIPE_API_BASE names a real Stripe); Ctrl-C stops all.
# Each runs under a small supervisor loop: if one dies (killed, crashed), it is started again
# within two seconds, and the outbox and lease sweeps resume whatever work it held.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
PORT=${PORT:-8000}
# Links in e-mails sent by the worker (and the Site allauth names) follow the port we serve on.
export CHORUS_SITE_URL=${CHORUS_SITE_URL:-http://127.0.0.1:$PORT}
SIM_PORT=${SIM_PORT:-8765}
export PLATFORM_SIMULATOR_URL=${PLATFORM_SIMULATOR_URL:-http://127.0.0.1:$SIM_PORT}
# Stripe: the local stand-in is the default (funding, onboarding and payouts work offline); its
# webhooks come back to our endpoint, signed with the stand-in's secret (config/settings/
# components/stripe.py). Set STRIPE_API_BASE (and keys) to use a real Stripe instead.
STRIPE_PORT=${STRIPE_PORT:-12111}
if [ -z "${STRIPE_API_BASE:-}" ]; then
  export STRIPE_STANDIN_URL=${STRIPE_STANDIN_URL:-http://127.0.0.1:$STRIPE_PORT}
fi
PY=.venv/bin/python
var_dir=${CHORUS_VAR_DIR:-var}
mkdir -p "$var_dir/broker/queue" "$var_dir/broker/processed" "$var_dir/broker/control"

# The stand-in keeps its accounts, sessions, transfers and balance here across restarts.
export STRIPE_STANDIN_STATE_FILE=${STRIPE_STANDIN_STATE_FILE:-$var_dir/stripe-standin.json}
# Demo seeding may add posts here before the simulator starts and loads them.
export PLATFORM_SIMULATOR_POSTS_FILE=${PLATFORM_SIMULATOR_POSTS_FILE:-$var_dir/simulator-posts.json}

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

# supervise NAME COMMAND...: run COMMAND, start it again whenever it exits, stop it on TERM.
supervise() {
  local name=$1
  shift
  (
    child=""
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait 2>/dev/null; exit 0' TERM INT
    while true; do
      "$@" &
      child=$!
      status=0
      wait "$child" || status=$?
      echo "==> $name exited (status $status); starting it again in 2 s" >&2
      sleep 2
    done
  ) &
  pids+=($!)
}

queues=$($PY -c 'from core.queues import ALL_QUEUES; print(ALL_QUEUES)')
# Posts made through the simulator's control API (demo posts) survive a restart.
supervise simulator $PY -m platforms.simulator --port "$SIM_PORT" --posts-file "$PLATFORM_SIMULATOR_POSTS_FILE"
if [ -n "${STRIPE_STANDIN_URL:-}" ]; then
  supervise stripe $PY -m payouts.stripe_standin --port "$STRIPE_PORT" \
    --state-file "$STRIPE_STANDIN_STATE_FILE" --webhook-url "$CHORUS_SITE_URL/webhooks/stripe/"
fi
supervise worker .venv/bin/celery -A config worker --loglevel=INFO --pool=threads --concurrency=2 -Q "$queues"
supervise beat .venv/bin/celery -A config beat --loglevel=INFO
supervise web $PY manage.py runserver "127.0.0.1:$PORT" --noreload

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
