#!/usr/bin/env bash
# Runs the whole test suite against PostgreSQL and Redis on localhost
# (override with DATABASE_URL / REDIS_URL). Browser journeys need Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium for the browser journeys"
    (apt-get install -y -qq chromium >/dev/null 2>&1) || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
  else
    echo "chromium is not installed: install Debian's 'chromium' package to run the browser journeys." >&2
    exit 1
  fi
fi
# Two workers by default (the machine has two cores); PYTEST_WORKERS=0 runs in one process.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
