#!/usr/bin/env bash
# The fault tests (tests/faults/): real Redis servers on their own ports, Celery worker and beat
# processes, PostgreSQL connections — killed on purpose; each test checks the work recovers and
# prints the recovery time it measured ("[fault] …" lines).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh >/dev/null
exec .venv/bin/python -m pytest -n 0 -m fault tests/faults -s -p no:cacheprovider "$@"
