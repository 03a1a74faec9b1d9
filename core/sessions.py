"""Sessions stored in the database and read through the cache, where the cache is optional:
Django's ``cached_db`` store already treats a failed cache read as a miss, but a failed write
after a database read (and a failed delete) raises — so a Redis outage would turn every
logged-in request into a 500. Here any cache error is logged and the database answers."""

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDbStore):
    _cache: Any  # set by cached_db's __init__ (not in django-stubs)

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # cache down (or a key it refuses): the database has the session
            data = None
        if data is not None:
            return data
        session = self._get_session_from_db()  # type: ignore[attr-defined]
        if not session:
            return {}
        data = self.decode(session.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        except Exception:
            logger.warning("session cache unavailable; served from the database", exc_info=True)
        return data

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unavailable; checked the database", exc_info=True)
        return DbStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        DbStore.delete(self, session_key)
        key = session_key if session_key is not None else self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            # A stale cached copy would outlive a logout: the Redis restart that made the
            # cache unreachable is also what empties it (no persistence), so this is logged.
            logger.error("could not delete session %s… from the cache", key[:6], exc_info=True)
