"""The OpenAPI schema stays complete: it validates, and drf-spectacular has nothing to warn about."""

import os
import subprocess
import sys

from tests.config.test_deploy_and_architecture import ROOT


def test_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    schema = out.read_text()
    for path in (
        "/api/v1/members/",
        "/api/v1/campaigns/",
        "/api/v1/applications/",
        "/api/v1/creators/",
    ):
        assert path in schema
    assert "ApiKey" in schema  # the bearer-key security scheme is documented
