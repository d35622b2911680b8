"""Response headers, templates without inline script or style, and `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(world, login):
    client = login(world, "secretary_a")
    response = client.get(reverse("dashboard"), secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


# Inline script, inline event handlers and style attributes/elements would need
# 'unsafe-inline'. The PDF templates (templates/reports) are rendered by WeasyPrint, never
# by a browser, and are exempt.
INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_need_no_unsafe_inline():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "reports" in path.relative_to(ROOT / "templates").parts:
            continue
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)!r}")
    assert found == []


def test_htmx_is_told_not_to_inject_its_style_element(client):
    response = client.get(reverse("login"))
    assert 'name="htmx-config"' in response.content.decode()
    assert '"includeIndicatorStyles": false' in response.content.decode()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    db = connection.settings_dict
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-6f1e3c9a7b2d4e8f0a1b2c3d4e5f6a7b8c9d",
        "ALLOWED_HOSTS": "party.example.edu.cn",
        "CSRF_TRUSTED_ORIGINS": "https://party.example.edu.cn",
        "BEHIND_TLS_PROXY": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "filesystem://"),
        "CACHE_URL": os.environ.get("CACHE_URL", "locmemcache://"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": os.environ.get("STATIC_ROOT", str(tmp_path / "static")),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
