"""Stripe's form encoding of nested parameters (``a[b][0][c]=v``), decoded to dicts and lists."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


class FormError(ValueError):
    pass


def decode(body: str) -> dict[str, Any]:
    """``line_items[0][quantity]=1&metadata[k]=v`` → ``{"line_items": [{"quantity": "1"}], …}``.

    Values stay strings, as Stripe receives them; ``a[]=x`` appends. Raises FormError on a key
    that is not Stripe's bracket syntax or names one place twice with different shapes."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True, strict_parsing=False):
        match = _KEY.match(key)
        if not match:
            raise FormError(f"Invalid parameter name: {key!r}")
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node: dict[str, Any] = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":
                part = str(len(node))  # a[]=x: the next index
            if last:
                if isinstance(node.get(part), dict):
                    raise FormError(f"Invalid parameter: {key!r} is given as a value and a hash")
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise FormError(f"Invalid parameter: {key!r} is given as a value and a hash")
                node = child
    return _listify(root)


def _listify(value: Any) -> Any:
    """Hashes whose keys are 0..n-1 are arrays (that is how the library sends lists)."""
    if not isinstance(value, dict):
        return value
    converted = {k: _listify(v) for k, v in value.items()}
    if converted and all(k.isdigit() for k in converted):
        indexes = sorted(int(k) for k in converted)
        if indexes == list(range(len(indexes))):
            return [converted[str(i)] for i in indexes]
    return converted
