"""Settings of the processes a fault test starts (worker, beat, web): the test settings, pointed
at the test's own database, its own Redis and a file that records every e-mail sent."""

import json
import os

from config.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["CHORUS_FAULT_DB_NAME"]  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
MAILERS = {
    "default": {
        "BACKEND": "tests.faults.mail.AppendLineBackend",
        "OPTIONS": {"path": os.environ["CHORUS_FAULT_MAIL_LOG"]},
    }
}
CACHES["default"]["KEY_PREFIX"] = "chorus-fault"  # noqa: F405
LOGGING["root"]["level"] = "INFO"  # noqa: F405
# One prefix for every process of a test (the test settings' default has the process id in it).
PLATFORM_RATE_LIMIT_KEY_PREFIX = "chorus-fault:platforms:park"
# Whatever the test asked for (Stack.override_settings), last.
globals().update(json.loads(os.environ.get("CHORUS_FAULT_SETTINGS", "{}")))
