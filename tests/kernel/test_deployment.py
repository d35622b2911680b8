"""docker-compose.yml and the Dockerfile refer to real things; their commands run here.

Docker cannot run on this machine, so the compose file is parsed and each service's
command is checked against the project; the web command itself (gunicorn) is started
against the test database and answers /healthz. The worker and beat commands are the
ones tests/test_celery.py runs.
"""

from __future__ import annotations

import importlib
import os
import shlex
import socket
import sys
import urllib.request

import pytest
import yaml
from django.core.management import get_commands

from tests.conftest import ROOT, _test_database_url, spawn, stop_process, wait_for

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "worker", "beat")


def commands_of(service: str) -> list[list[str]]:
    command = COMPOSE["services"][service]["command"]
    if command.startswith('sh -c "'):
        command = command[len('sh -c "') : -1]
    return [shlex.split(part) for part in command.split("&&")]


def test_compose_has_the_five_services():
    assert set(COMPOSE["services"]) == {"web", "worker", "beat", "db", "redis"}
    for name in APP_SERVICES:
        assert COMPOSE["services"][name]["build"] == "."
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_command_names_something_real(service):
    for argv in commands_of(service):
        program = argv[0]
        if program == "python":
            assert argv[1] == "manage.py" and argv[2] in get_commands(), argv
        elif program == "gunicorn":
            module, _, attribute = argv[1].partition(":")
            assert callable(getattr(importlib.import_module(module), attribute)), argv
        elif program == "celery":
            assert argv[1] == "-A"
            app = importlib.import_module(argv[2]).celery_app
            assert argv[3] in {"worker", "beat"} and app.main == "branchwork", argv
        else:
            pytest.fail(f"unknown program in {service}: {argv}")


def test_environment_variables_of_compose_are_documented():
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    app = COMPOSE["x-app"]
    for variable in app["environment"]:
        assert f"`{variable}`" in readme, variable
        assert variable in example, variable


def test_dockerfile_installs_what_pdfs_need():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in dockerfile
    assert "uv sync --frozen" in dockerfile


@pytest.mark.django_db(transaction=True)
def test_web_command_serves_health_under_gunicorn(tmp_path):
    argv = next(a for a in commands_of("web") if a[0] == "gunicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [a if a != "0.0.0.0:8000" else f"127.0.0.1:{port}" for a in argv]
    log = tmp_path / "gunicorn.log"
    process = spawn(
        [sys.executable, "-m", *argv],
        log=log,
        env={**os.environ, "DATABASE_URL": _test_database_url()},
    )

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        assert wait_for(answers, timeout=30), log.read_text()
    finally:
        stop_process(process)
