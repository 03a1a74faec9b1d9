"""Production settings pass Django's deploy checks; app dependencies point one way."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-used-only-by-this-test-0123456789",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chorus"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "DJANGO_ALLOWED_HOSTS": "chorus.example.com",
    }
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    result = _run([sys.executable, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_apps_depend_on_each_other_one_way_only():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = _run([str(lint_imports)], dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_models_and_migrations_agree():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = _run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_contract_records_the_order_design_md_shows():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    assert layers == [
        "config",
        "web",
        "payouts",
        "analytics",
        "submissions | discovery",
        "recruitment",
        "ledger",
        "creators",
        "campaigns",
        "notifications",
        "organizations",
        "users",
        "core | platforms",
    ]


def test_installed_apps_follow_the_layers_from_the_bottom_up():
    from django.conf import settings

    apps = list(settings.INSTALLED_APPS)
    ours = [a for a in apps[apps.index("core") :] if "." not in a]
    assert ours == [
        "core",
        "platforms",
        "users",
        "organizations",
        "notifications",
        "campaigns",
        "creators",
        "ledger",
        "recruitment",
        "discovery",
        "submissions",
        "analytics",
        "payouts",
        "web",
    ]


def test_compose_keeps_redis_data_across_restarts():
    """The click buffer and the broker's queues live in Redis: the compose stack persists them
    (append-only file on a volume) so a Redis restart loses no accepted click."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    redis = compose["services"]["redis"]
    assert "--appendonly yes" in redis["command"]
    assert any(str(v).endswith(":/data") for v in redis["volumes"])
    assert "redisdata" in compose["volumes"]
    for name, service in compose["services"].items():
        assert service.get("restart") == "unless-stopped", name
