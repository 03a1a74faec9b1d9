#!/usr/bin/env bash
# Creates .venv with the pinned Python, installs the locked Python packages and the npm packages.
# Safe to run repeatedly: it only does work when the lock files changed.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(cat .python-version)   # e.g. 3.13
find_python() {
  for candidate in "python$want" "${PYENV_ROOT:-$HOME/.pyenv}/versions/$want"*/bin/python"$want"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(0)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sys; assert sys.version.startswith('$want')" 2>/dev/null; then
  py=$(find_python) || { echo "Python $want is required (see .python-version); install it (e.g. pyenv install $want)." >&2; exit 1; }
  echo "==> creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

lock=requirements/dev.lock
stamp=.venv/.installed-$(sha256sum "$lock" pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing Python packages from $lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
  rm -f .venv/.installed-*; touch "$stamp"
fi

npm_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$npm_stamp" ]; then
  echo "==> installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
mkdir -p "${CHORUS_VAR_DIR:-var}"
