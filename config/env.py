"""The one reader of the environment (12-factor). Every setting that varies by deployment comes from here."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for developers; the real environment always wins.
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    env.read_env(str(_dotenv), overwrite=False)

# Where the embedded default keeps its SQLite file, broker folders, cache and uploaded files.
VAR_DIR = Path(env.str("CHORUS_VAR_DIR", default=str(BASE_DIR / "var")))
