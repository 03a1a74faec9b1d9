#!/usr/bin/env bash
# Boots `make run` (the newcomer's command) in a scratch copy of the data directory, waits for
# /healthz and the login page, then stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-8019}
log=$(mktemp)
# Its own data folder, so a developer's var/ is left alone; no service from the environment.
export CHORUS_VAR_DIR=$(mktemp -d)
env -u DATABASE_URL -u REDIS_URL PORT=$port SIM_PORT=$((port + 1)) STRIPE_PORT=$((port + 2)) setsid make run >"$log" 2>&1 &
pid=$!
stop() { kill -TERM -- -"$pid" 2>/dev/null || true; sleep 2; kill -KILL -- -"$pid" 2>/dev/null || true; }
trap stop EXIT

ok=""
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then ok=1; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
if [ -z "$ok" ]; then
  echo "the platform did not come up; its output:"; cat "$log"; exit 1
fi
curl -fsS "http://127.0.0.1:$port/healthz"; echo
curl -fsS -o /dev/null -w "login page: %{http_code}\n" "http://127.0.0.1:$port/accounts/login/"
grep -q "owner@demo.chorus.test" "$log" || { echo "demo logins were not printed"; cat "$log"; exit 1; }
# run.sh stops everything when one process dies: give worker and beat time to load their
# schedules and tasks, then make sure all of them are still up.
sleep 10
if ! kill -0 "$pid" 2>/dev/null || grep -qE "CRITICAL|Traceback" "$log"; then
  echo "a process of the platform died after start-up; its output:"; cat "$log"; exit 1
fi
grep -q "celery@.* ready" "$log" || { echo "the Celery worker did not start"; cat "$log"; exit 1; }
grep -q "Stripe stand-in on" "$log" || { echo "the Stripe stand-in did not start"; cat "$log"; exit 1; }
grep -q "beat: Starting" "$log" || { echo "Celery beat did not start"; cat "$log"; exit 1; }
# A newcomer who kills the worker sees it come back: run.sh supervises every process.
worker=$(pgrep -g "$pid" -f "celery -A config worker" | head -n1 || true)
[ -n "$worker" ] || { echo "no worker process found"; cat "$log"; exit 1; }
kill -KILL "$worker"
for _ in $(seq 1 60); do
  [ "$(grep -c "celery@.* ready" "$log")" -ge 2 ] && break
  sleep 1
done
[ "$(grep -c "celery@.* ready" "$log")" -ge 2 ] || { echo "the killed worker did not come back"; cat "$log"; exit 1; }
echo "killed worker came back"
echo "embedded default OK"
