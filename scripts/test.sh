#!/usr/bin/env bash
# Runs the whole test suite against PostgreSQL and Redis on localhost
# (override with DATABASE_URL / REDIS_URL). Browser journeys need Debian's chromium; media
# previews need Debian's ffmpeg (installed here when running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# need_apt <command> <package> <what for>: install a Debian package when its command is missing.
need_apt() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing $2 for $3"
    (apt-get install -y -qq "$2" >/dev/null 2>&1) || (apt-get update -qq && apt-get install -y -qq "$2" >/dev/null)
  else
    echo "$1 is not installed: install Debian's '$2' package to run $3." >&2
    exit 1
  fi
}
need_apt chromium chromium "the browser journeys"
need_apt ffmpeg ffmpeg "the media preview tests"
# Two workers by default (the machine has two cores); PYTEST_WORKERS=0 runs in one process.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
