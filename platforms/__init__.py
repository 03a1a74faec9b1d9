"""Clients for TikTok, Instagram and YouTube, plus a local simulator of them.

This package sits beneath every other app: it imports none of them and knows no
tenants. Import from the modules (nothing is imported here, so the framework-free
simulator does not drag Django in):

- ``platforms.registry.get_client(platform)``: the configured client
- ``platforms.types``: ``Platform``, ``AccountProfile``, ``PlatformClient``
- ``platforms.errors``: ``PlatformError`` and its subclasses
- ``platforms.handles.parse_handle(platform, text)``
- ``platforms.simulator.server.running_simulator()``
"""
