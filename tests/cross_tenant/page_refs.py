"""The victim's ids in page forms and page query strings: find where pages take an id, attack it.

The API's references are found in its OpenAPI schema (test_body_and_query_refs.py); pages have no
schema, so they are found the way a person finds them — by opening every page of the attacker's
own organization (``/o/<slug>/…``, each with the attacker's own objects in its URL) and reading
the HTML:

- every form, with the values a browser would send (hidden inputs, the selected option, checked
  boxes, the pressed submit button, its ``formaction`` and ``hx-post``); a field whose value or
  one of whose options is a public id (``cmp_…``, ``brd_…``, ``shl_…``, ``app_…``) names an object;
- every link whose query string carries a public id (``?campaign=cmp_…``), and every GET form
  (a filter) the same way.

Each place that names an object is then sent twice — once with the victim's id, once with an id
that names nothing — and the two answers must be identical once the two ids are masked: the
status, every redirect, the page finally shown (its messages included), and which rows changed.
Pages that a query string opens (``?campaign=…``) are read too, so a form that only appears on a
filtered page (the decide buttons' ``campaign_filter``) is found as well.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from tests.cross_tenant import snapshot
from tests.cross_tenant.routes import ORG_SLUG, Route, all_routes
from tests.cross_tenant.test_harness import exemption
from tests.cross_tenant.world import savepoint

ID = re.compile(r"([a-z]{3})_[0-9a-z]{20}")
# Creators are global users: any organization may name any creator (as in the API's test).
GLOBAL_PREFIXES = {"cre"}
MISSING_SUFFIX = "_zzzzzzzzzzzzzzzzzzzz"
CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")
CHANGE = re.compile(r"^(\S+) pk=(\S+) (ADDED|DELETED|CHANGED)")
TEXT_INPUTS = {"", "text", "hidden", "search", "number", "email", "url", "tel", "date", "password"}


def _prefix(value: str) -> str | None:
    found = ID.fullmatch(value or "")
    return found[1] if found and found[1] not in GLOBAL_PREFIXES else None


# -- reading a page ------------------------------------------------------------------------------


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    form_id: str | None = None  # the form attribute, else the enclosing form
    form_index: int | None = None


@dataclass
class Button:
    name: str
    value: str
    formaction: str | None
    formmethod: str | None
    htmx: str | None  # hx-post
    form_id: str | None = None
    form_index: int | None = None


@dataclass
class Form:
    index: int
    id: str | None
    method: str
    action: str | None
    htmx: str | None
    controls: list[Control] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.loose: list[Control | Button] = []
        self._form: int | None = None
        self._select: Control | None = None
        self._option: list[str] | None = None  # text of an option without a value
        self._option_selected = False
        self._textarea: Control | None = None

    def _owner(self, control: Control | Button, attrs: dict[str, str | None]) -> None:
        control.form_id = attrs.get("form")
        control.form_index = self._form
        if control.form_id is None and self._form is None:
            return
        self.loose.append(control)

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "a" and attrs.get("href"):
            self.links.append(str(attrs["href"]))
        elif tag == "form":
            self._form = len(self.forms)
            self.forms.append(
                Form(
                    index=self._form,
                    id=attrs.get("id"),
                    method=(attrs.get("method") or "get").lower(),
                    action=attrs.get("action"),
                    htmx=attrs.get("hx-post"),
                )
            )
        elif tag == "input" and attrs.get("name") is not None:
            kind = (attrs.get("type") or "").lower()
            if kind in ("submit", "image"):
                self._owner(self._button(attrs), attrs)
            elif kind not in ("file", "reset", "button"):
                control = Control(
                    name=str(attrs["name"]),
                    kind=kind,
                    value=attrs.get("value") or ("on" if kind in ("checkbox", "radio") else ""),
                    checked="checked" in attrs,
                )
                self._owner(control, attrs)
        elif tag == "button":
            if (attrs.get("type") or "submit").lower() == "submit":
                self._owner(self._button(attrs), attrs)
        elif tag == "select" and attrs.get("name"):
            kind = "select-multiple" if "multiple" in attrs else "select"
            self._select = Control(name=str(attrs["name"]), kind=kind)
            self._owner(self._select, attrs)
        elif tag == "option" and self._select is not None:
            if "value" in attrs:
                self._select.options.append((attrs["value"] or "", "selected" in attrs))
            else:
                self._option, self._option_selected = [], "selected" in attrs
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Control(name=str(attrs["name"]), kind="textarea")
            self._owner(self._textarea, attrs)

    def _button(self, attrs: dict[str, str | None]) -> Button:
        return Button(
            name=attrs.get("name") or "",
            value=attrs.get("value") or "",
            formaction=attrs.get("formaction"),
            formmethod=attrs.get("formmethod"),
            htmx=attrs.get("hx-post"),
        )

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option.append(data)
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self._select.options.append(("".join(self._option).strip(), self._option_selected))
            self._option = None
        elif tag == "textarea":
            self._textarea = None

    def close(self) -> None:
        super().close()
        by_id = {f.id: f for f in self.forms if f.id}
        for item in self.loose:
            form = by_id.get(item.form_id) if item.form_id else None
            if form is None and item.form_index is not None and not item.form_id:
                form = self.forms[item.form_index]
            if form is None:
                continue
            if isinstance(item, Button):
                form.buttons.append(item)
            else:
                form.controls.append(item)


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


# -- where a page takes an id ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageRef:
    """One place a page takes an object's id: a form field or a query parameter."""

    method: str  # "GET" or "POST"
    url: str  # path (and nothing else): where the request goes
    htmx: bool
    data: tuple[tuple[str, str], ...]  # what the browser sends besides the attacked field
    field: str
    prefix: str
    found_on: str  # the page it was found on

    @property
    def route(self) -> str:
        try:
            return str(resolve(self.url).view_name)
        except Resolver404:
            return self.url

    @property
    def key(self) -> tuple[Any, ...]:
        names = tuple(sorted({k for k, _ in self.data}))
        button = tuple(sorted((k, v) for k, v in self.data if k in ("action", "decision")))
        return (self.method, self.route, self.htmx, self.field, names, button)

    def __str__(self) -> str:
        how = " (htmx)" if self.htmx else ""
        where = "query" if self.method == "GET" else "form"
        return f"{self.method} {self.route}{how} {where}:{self.field}"


def _defaults(form: Form) -> list[tuple[str, str]]:
    """What a browser sends for the form as it is shown, rows ticked."""
    data: list[tuple[str, str]] = []
    for control in form.controls:
        if control.kind in ("checkbox", "radio"):
            # Rows ticked as a person would before pressing the button (the creators of the
            # search, the applications of the queue), so the answer gets past "tick one first".
            if control.checked or (control.kind == "checkbox" and ID.fullmatch(control.value)):
                data.append((control.name, control.value))
        elif control.kind == "select":
            chosen = [v for v, sel in control.options if sel] or [v for v, _ in control.options[:1]]
            data.extend((control.name, v) for v in chosen[-1:])
        elif control.kind == "select-multiple":
            data.extend((control.name, v) for v, sel in control.options if sel)
        elif control.kind in TEXT_INPUTS or control.kind == "textarea":
            data.append((control.name, control.value))
    return data


def _id_fields(form: Form) -> dict[str, str]:
    """Field name → the prefix of the ids it takes."""
    found: dict[str, str] = {}
    for control in form.controls:
        values = [control.value, *(v for v, _ in control.options)]
        for value in values:
            prefix = _prefix(value)
            if prefix:
                found.setdefault(control.name, prefix)
    return found


def _same_site_path(base: str, target: str | None) -> str | None:
    url = urljoin(base, target or base)
    parts = urlsplit(url)
    if parts.netloc and parts.netloc not in ("testserver",):
        return None
    return parts.path


def refs_on_page(page_url: str, html: str) -> list[PageRef]:
    parser = parse(html)
    refs: list[PageRef] = []
    for form in parser.forms:
        fields = _id_fields(form)
        if not fields:
            continue
        base = _defaults(form)
        if form.method == "get":
            path = _same_site_path(page_url, form.action)
            if path:
                for name, prefix in fields.items():
                    rest = tuple((k, v) for k, v in base if k != name)
                    refs.append(PageRef("GET", path, False, rest, name, prefix, page_url))
            continue
        submissions: list[tuple[str | None, tuple[tuple[str, str], ...], bool]] = []
        buttons = form.buttons or [Button("", "", None, None, None)]
        for button in buttons:
            pressed: tuple[tuple[str, str], ...] = (
                ((button.name, button.value),) if button.name else ()
            )
            target = button.formaction or form.action
            submissions.append((target, pressed, False))
            if button.htmx or form.htmx:
                submissions.append((button.htmx or form.htmx, pressed, True))
        for target, sent, htmx in submissions:
            path = _same_site_path(page_url, target)
            if not path:
                continue
            for name, prefix in fields.items():
                rest = tuple((k, v) for k, v in [*base, *sent] if k != name)
                refs.append(PageRef("POST", path, htmx, rest, name, prefix, page_url))
    for href in parser.links:
        parts = urlsplit(urljoin(page_url, href))
        if parts.netloc not in ("", "testserver") or not parts.query:
            continue
        query = parse_qsl(parts.query, keep_blank_values=True)
        for name, value in query:
            found = _prefix(value)
            if found:
                rest = tuple((k, v) for k, v in query if k != name)
                refs.append(PageRef("GET", parts.path, False, rest, name, found, page_url))
    return refs


def org_pages(values: dict[str, str], slug: str) -> list[tuple[Route, str]]:
    """Every brand page of the organization whose objects ``values`` has (builder → id)."""
    pages = []
    for route in all_routes():
        if route.is_api or route.is_creator_facing or ORG_SLUG not in route.kwargs:
            continue
        if exemption(route) or not route.name:
            continue
        names = {k: route.builder_name(k) for k in route.object_kwargs}
        if any(n not in values for n in names.values()):
            continue
        kwargs = {k: values[n] for k, n in names.items()}
        pages.append((route, route.url({**kwargs, ORG_SLUG: slug})))
    return pages


def _html(response: Any) -> str | None:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode(errors="replace")


def discover(client: Client, pages: Iterable[str]) -> list[PageRef]:
    """Read every page, then every page a query string opens with the attacker's own id; one
    reference per distinct (method, route, htmx, field, fields sent, button)."""
    found: dict[tuple[Any, ...], PageRef] = {}
    queried: set[tuple[str, str, str]] = set()

    def read(url: str, query: dict[str, str] | None = None) -> list[PageRef]:
        with savepoint():  # a GET changes nothing, but be sure
            html = _html(client.get(url, query or {}))
            transaction.set_rollback(True)
        return refs_on_page(url, html) if html else []

    level = [r for url in pages for r in read(url)]
    for ref in level:
        found.setdefault(ref.key, ref)
    for ref in level:
        if ref.method != "GET" or (ref.url, ref.field, ref.prefix) in queried:
            continue
        queried.add((ref.url, ref.field, ref.prefix))
        own = dict(ref.data).get(ref.field)
        for value in [own] if own else _own_values_on(ref, client):
            for more in read(ref.url, {**dict(ref.data), ref.field: value}):
                found.setdefault(more.key, more)
    return sorted(found.values(), key=str)


def _own_values_on(ref: PageRef, client: Client) -> list[str]:
    """The attacker's own ids for a filter shown blank: the options of its select."""
    with savepoint():
        html = _html(client.get(ref.found_on)) or ""
        transaction.set_rollback(True)
    return [
        value
        for form in parse(html).forms
        for control in form.controls
        if control.name == ref.field
        for value, _ in control.options
        if _prefix(value) == ref.prefix
    ]


# -- sending -------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    chain: list[tuple[str, int]]
    body: str
    changes: list[str]


def _mask(text: str, ids: Iterable[str]) -> str:
    for value in ids:
        text = text.replace(value, "<ID>")
    return CSRF.sub("<TOKEN>", text)


def _change_kinds(changes: list[str]) -> list[tuple[str, ...]]:
    """Which rows changed: the table and kind, and for existing rows their key (an added row's
    key differs between two attempts: sequences do not roll back)."""
    kinds: list[tuple[str, ...]] = []
    for line in changes:
        found = CHANGE.match(line)
        if found:
            label, pk, kind = found.groups()
            kinds.append((label, kind) if kind == "ADDED" else (label, kind, pk))
        else:
            kinds.append((line,))
    return sorted(kinds)


def send(client: Client, ref: PageRef, value: str, baseline: snapshot.Snapshot) -> Answer:
    """One attempt in a savepoint that is rolled back; the redirects are followed."""
    headers = {"HX-Request": "true"} if ref.htmx else {}
    data: dict[str, Any] = {}
    for key, item in ref.data:
        data.setdefault(key, []).append(item)
    data[ref.field] = [value]
    with savepoint():
        counters = snapshot.write_counters()
        if ref.method == "GET":
            response = client.get(ref.url, data, headers=headers, follow=True)
        else:
            response = client.post(ref.url, data, headers=headers, follow=True)
        changes = snapshot.changes_since(baseline, counters)
        transaction.set_rollback(True)
    chain = [(str(url), int(status)) for url, status in getattr(response, "redirect_chain", [])]
    return Answer(response.status_code, chain, response.content.decode(errors="replace"), changes)


def attack(
    client: Client,
    ref: PageRef,
    victim_id: str,
    baseline: snapshot.Snapshot,
) -> str | None:
    """None if the victim's id answers exactly as a missing one; else what differed."""
    missing_id = f"{ref.prefix}{MISSING_SUFFIX}"
    foreign = send(client, ref, victim_id, baseline)
    missing = send(client, ref, missing_id, baseline)
    ids = (victim_id, missing_id)

    def shown(answer: Answer) -> tuple[Any, ...]:
        chain = [(_mask(u, ids), s) for u, s in answer.chain]
        return (answer.status, chain, _mask(answer.body, ids), _change_kinds(answer.changes))

    a, b = shown(foreign), shown(missing)
    if a == b:
        return None
    if a[:2] != b[:2]:
        return f"{ref}: the victim's id answered {a[:2]}, a missing id {b[:2]}"
    if a[3] != b[3]:
        return f"{ref}: the victim's id changed {foreign.changes[:3]}, a missing id {missing.changes[:3]}"
    return f"{ref}: the pages differ:\n{_first_difference(a[2], b[2])}"


def _first_difference(a: str, b: str) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"  victim's id: …{a[max(0, at - 200) : at + 200]}…\n  missing id:  …{b[max(0, at - 200) : at + 200]}…"
