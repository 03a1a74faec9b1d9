"""Every URL pattern of the site, found by walking Django's resolver (browser and API alike).

``all_routes()`` flattens ``django.urls.get_resolver()`` recursively through includes: Django
``path`` patterns and DRF router regex patterns both come out as one :class:`Route` each, with the
URL kwargs of every level, the qualified name (``namespace:name``) and the included urlconfs.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

ORG_SLUG = "org_slug"
DRF_LOOKUP = "public_id"
# Creator-facing routes: the creator portal (browser) and the creator API. Their objects belong
# to a creator (a global user), not to a tenant, so their attacker is another creator.
CREATOR_PORTAL_PREFIX = "creator/"
CREATOR_API_PREFIX = "api/v1/creator/"


@dataclass(frozen=True)
class Route:
    name: str | None  # qualified, e.g. "organizations:member_role" or "api-v1:brand-detail"
    namespace: str | None
    pattern: str  # the full pattern, every level joined, for messages
    kwargs: tuple[str, ...]  # URL kwargs in order of appearance, every level included
    callback: Callable[..., Any]
    urlconfs: tuple[str, ...]  # the modules of the includes this route sits under

    @property
    def label(self) -> str:
        return self.name or self.pattern

    @property
    def path(self) -> str:
        """The pattern as a readable path: ``o/<org_slug>/members/<member_id>/role/``."""
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", self.pattern)
        text = re.sub(r"<\w+:(\w+)>", r"<\1>", text)
        return "/" + text.replace("^", "").replace("$", "")

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_creator_portal(self) -> bool:
        return self.pattern.startswith(CREATOR_PORTAL_PREFIX)

    @property
    def is_creator_api(self) -> bool:
        """The creator-facing API (``/api/v1/creator/…``): session-authenticated creators only."""
        return self.pattern.startswith(CREATOR_API_PREFIX)

    @property
    def is_creator_facing(self) -> bool:
        return self.is_creator_portal or self.is_creator_api

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        """The kwargs that name an object other than the organization itself."""
        return tuple(k for k in self.kwargs if k != ORG_SLUG)

    @property
    def app(self) -> str:
        """The app that owns the view (``campaigns`` for ``campaigns.views``)."""
        module = getattr(self.callback, "__module__", "") or ""
        cls = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if cls is not None:
            module = cls.__module__
        return module.split(".")[0]

    @cached_property
    def drf_basename(self) -> str | None:
        """The router basename of a DRF viewset route (``brand`` for ``api-v1:brand-detail``)."""
        initkwargs = getattr(self.callback, "initkwargs", None) or {}
        if initkwargs.get("basename"):
            return str(initkwargs["basename"])
        if getattr(self.callback, "actions", None) and self.name and "-" in self.name:
            return self.name.split(":")[-1].rsplit("-", 1)[0]
        return None

    @property
    def drf_actions(self) -> dict[str, str]:
        """HTTP method (lower-case) → viewset action, for DRF viewset routes."""
        return dict(getattr(self.callback, "actions", None) or {})

    def builder_name(self, kwarg: str) -> str:
        """The registry key whose builder supplies ``kwarg`` (``api:<basename>`` for DRF lookups)."""
        if kwarg == DRF_LOOKUP and self.drf_basename:
            return f"api:{self.drf_basename}"
        return kwarg

    def url(self, values: dict[str, str]) -> str:
        if not self.name:
            raise LookupError(
                f"The URL pattern {self.pattern!r} has no name, so the harness cannot build its URL: "
                "give it a name= in its urls.py."
            )
        return reverse(self.name, kwargs=values)


def _urlconf_label(resolver: URLResolver) -> str:
    conf = resolver.urlconf_name
    if isinstance(conf, str):
        return conf
    return getattr(conf, "__name__", "<inline list>")


def _walk(
    resolver: URLResolver,
    prefix: str,
    namespace: str | None,
    kwargs: tuple[str, ...],
    confs: tuple[str, ...],
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        level_kwargs = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry,
                prefix + str(entry.pattern),
                ns,
                kwargs + level_kwargs,
                (*confs, _urlconf_label(entry)),
            )
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(
                name=name,
                namespace=namespace,
                pattern=prefix + str(entry.pattern),
                kwargs=kwargs + level_kwargs,
                callback=entry.callback,
                urlconfs=confs,
            )


def all_routes() -> list[Route]:
    root = get_resolver()
    return list(_walk(root, "", None, (), (_urlconf_label(root),)))
