"""Scopes are one enum: every scope named in code is a member, and a typo fails loudly."""

import ast
import re
from pathlib import Path

import pytest

from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.models import Organization
from organizations.roles import SCOPES_BY_ROLE, Role, Scope, role_has_scope
from organizations.tenancy import org_view

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    p
    for p in ROOT.iterdir()
    if p.is_dir() and (p / "apps.py").exists() and p.name not in {"tests", "bench"}
]
SCOPE_CALLS = {"org_view", "has", "require", "role_has_scope", "as_scope"}


def _scopes_named_in_code() -> list[tuple[str, str]]:
    """(where, value) of every string given where a scope is expected: org_view(...),
    access.has/require(...), role_has_scope(...), required_scopes = {...} and templates."""
    found: list[tuple[str, str]] = []
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in {"has", "require"}:  # only on an access: access.has(...)
                        receiver = getattr(func, "value", None)
                        name = name if "access" in ast.unparse(receiver or node).lower() else ""
                    if name in SCOPE_CALLS:
                        found += [
                            (f"{path}:{node.lineno}", arg.value)
                            for arg in node.args
                            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                        ]
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    named = any(
                        getattr(t, "id", getattr(t, "attr", "")) == "required_scopes"
                        for t in targets
                    )
                    if named and isinstance(node.value, ast.Dict):
                        found += [
                            (f"{path}:{node.lineno}", v.value)
                            for v in node.value.values
                            if isinstance(v, ast.Constant) and isinstance(v.value, str)
                        ]
    for path in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(
            r"['\"]([a-z]+:[a-z_]+)['\"] (?:not )?in org_scopes", path.read_text()
        ):
            found.append((str(path), match.group(1)))
    return found


def test_every_scope_named_in_code_is_a_member_of_the_enum() -> None:
    unknown = [(where, value) for where, value in _scopes_named_in_code() if value not in Scope]
    assert unknown == []


def test_code_names_scopes_by_member_not_by_bare_string() -> None:
    named = _scopes_named_in_code()
    assert any(w.endswith(".html") for w, _ in named)  # the scan does see bare strings
    bare = [(w, v) for w, v in named if not w.endswith(".html")]
    assert bare == []


def test_scope_members_keep_their_string_values() -> None:
    assert Scope.CAMPAIGNS_WRITE == "campaigns:write"
    assert "campaigns:write" in SCOPES_BY_ROLE[Role.MANAGER]
    assert role_has_scope(Role.MANAGER, "campaigns:write")  # type: ignore[arg-type]


def test_every_role_maps_to_members_only_and_owner_has_them_all() -> None:
    assert set(SCOPES_BY_ROLE) == set(Role.values)
    for scopes in SCOPES_BY_ROLE.values():
        assert all(isinstance(s, Scope) for s in scopes)
    assert SCOPES_BY_ROLE[Role.OWNER] == frozenset(Scope)


def test_a_misspelt_scope_fails_where_it_is_declared() -> None:
    with pytest.raises(ValueError, match="Unknown scope 'campaign:write'"):
        org_view("campaign:write")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="required_scopes"):

        class _Typo(OrgScopedViewSet):
            required_scopes = {"list": "brand:read"}  # type: ignore[dict-item]

    access = OrgAccess(organization=Organization(name="x", slug="x"), role=Role.OWNER)
    with pytest.raises(ValueError, match="Unknown scope"):
        access.has("campaigns:wirte")  # type: ignore[arg-type]
