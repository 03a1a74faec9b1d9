"""Tracking links (``/r/<code>``): the click buffer and the link cache in Redis.

``TRACKING_REDIS_URL`` defaults to ``REDIS_URL``; with neither (the embedded default) every click
is written straight to the database. Keys are prefixed with the cache's ``KEY_PREFIX`` (set in
base/test settings) so parallel test runs never share a buffer.
"""

from config.env import env

TRACKING_REDIS_URL = env.str("TRACKING_REDIS_URL", default=env.str("REDIS_URL", default=""))
# A Redis that hangs must not hang the redirect: give up quickly and use the database.
TRACKING_REDIS_TIMEOUT_SECONDS = env.float("TRACKING_REDIS_TIMEOUT_SECONDS", default=0.25)
# After a Redis error, each web process uses the database path this long before trying again.
TRACKING_REDIS_RETRY_AFTER_SECONDS = env.float("TRACKING_REDIS_RETRY_AFTER_SECONDS", default=2.0)
# Code -> landing URL entries live this long; saves of campaigns, brands and participations
# delete them at once (analytics.signals), the TTL only bounds what bulk updates miss. Each
# expiry costs one query (and, on a quiet worker, a new database connection) in a redirect.
TRACKING_LINK_CACHE_SECONDS = env.int("TRACKING_LINK_CACHE_SECONDS", default=300)
# One click per (code, visitor address) in this window; later ones redirect but do not count.
TRACKING_DEDUP_WINDOW_SECONDS = env.int("TRACKING_DEDUP_WINDOW_SECONDS", default=30 * 60)
# Secret for the visitor hash (never the address itself); empty: derived from SECRET_KEY.
TRACKING_HASH_SECRET = env.str("TRACKING_HASH_SECRET", default="")
# The batch writer: rows per INSERT, a flush is requested at once past this buffer length, and
# a batch claimed by a worker that died is taken over after this long.
TRACKING_FLUSH_BATCH = env.int("TRACKING_FLUSH_BATCH", default=1000)
TRACKING_FLUSH_WHEN_BUFFERED = env.int("TRACKING_FLUSH_WHEN_BUFFERED", default=2000)
TRACKING_RECLAIM_AFTER_SECONDS = env.int("TRACKING_RECLAIM_AFTER_SECONDS", default=60)
# Proxies in front of the web processes that append to X-Forwarded-For (a load balancer: 1).
# 0 trusts none and uses the socket's address. Behind a proxy this must be set, or every
# visitor shares the proxy's address and the flood window counts one click per link.
TRACKING_TRUSTED_PROXIES = env.int("TRACKING_TRUSTED_PROXIES", default=0)
