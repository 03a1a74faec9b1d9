"""Clients for TikTok, Instagram and YouTube, plus a local simulator of them.

This package sits beneath every other app: it imports none of them and knows no
tenants. Import from the modules (nothing is imported here, so the framework-free
simulator does not drag Django in):

- ``platforms.registry.get_client(platform)``: the configured client
  (``fetch_profile``, ``lookup_posts``, ``fetch_post_metrics``)
- ``platforms.registry.parse_post_url_resolving(url)`` / ``platforms.post_urls.parse_post_url``
- ``platforms.types``: ``Platform``, ``AccountProfile``, ``PlatformClient``, ``PostInfo``,
  ``PostMetrics``, ``PostUnavailable``, ``PostBatch``
- ``platforms.errors``: ``PlatformError`` and its subclasses
- ``platforms.handles.parse_handle(platform, text)``
- ``platforms.simulator.server.running_simulator()``
"""
