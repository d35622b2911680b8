"""Shared fixtures: the database check, personas in two schools, a real Celery worker.

Personas say their role (STYLE.md habit 7): `secretary_a` is the secretary of branch A1
of school A, `secretary_a2` the secretary of branch A2 of the same school, `secretary_b`
the secretary of a branch of another school.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory

from branchwork import services
from branchwork.models import Organisation, Role
from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "persona-password-2026"


@pytest.fixture(autouse=True, scope="session")
def _require_postgresql(django_db_setup, django_db_blocker):
    """The suite runs on PostgreSQL, the production database; scripts/test.sh starts one."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql" and not os.environ.get("BRANCHWORK_ALLOW_SQLITE_TESTS"):
        pytest.exit(f"The tests run on PostgreSQL, not {vendor}: use scripts/test.sh", returncode=2)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers, not for the hundreds of persona logins
    of the access matrix; production keeps Django's default hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Two schools: A (branches A1, A2, group A1-1) and B (branch B1)."""

    school_a: Organisation
    branch_a1: Organisation
    group_a1: Organisation
    branch_a2: Organisation
    school_b: Organisation
    branch_b1: Organisation
    users: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


@pytest.fixture
def world(db) -> World:
    school_a = services.create_organisation(
        name="甲校党委", slug="school-a", kind=Organisation.Kind.COMMITTEE
    )
    branch_a1 = services.create_organisation(
        name="甲校第一党支部", slug="a1", kind=Organisation.Kind.BRANCH, parent=school_a
    )
    group_a1 = services.create_organisation(
        name="甲校第一党小组", slug="a1-1", kind=Organisation.Kind.GROUP, parent=branch_a1
    )
    branch_a2 = services.create_organisation(
        name="甲校第二党支部", slug="a2", kind=Organisation.Kind.BRANCH, parent=school_a
    )
    school_b = services.create_organisation(
        name="乙校党总支", slug="school-b", kind=Organisation.Kind.GENERAL_BRANCH
    )
    branch_b1 = services.create_organisation(
        name="乙校第一党支部", slug="b1", kind=Organisation.Kind.BRANCH, parent=school_b
    )
    w = World(school_a, branch_a1, group_a1, branch_a2, school_b, branch_b1)

    def persona(username: str, role: str, organisation: Organisation, *, member_of=None):
        user = services.create_user(username=username, password=PASSWORD, first_name=username)
        services.grant_role(user=user, organisation=organisation, role=role)
        if member_of is not None:
            MemberFactory(organisation=member_of, user=user, name=f"{username}-成员")
        w.users[username] = user
        return user

    persona("member_a", Role.MEMBER, branch_a1, member_of=branch_a1)
    persona("teacher_a", Role.MEMBER, branch_a1, member_of=branch_a1)
    persona("secretary_a", Role.SECRETARY, branch_a1, member_of=branch_a1)
    persona("secretary_a2", Role.SECRETARY, branch_a2, member_of=branch_a2)
    persona("admin_a", Role.ADMIN, school_a)
    persona("principal_a", Role.VIEWER, school_a)
    persona("secretary_b", Role.SECRETARY, branch_b1, member_of=branch_b1)
    gone = persona("deactivated", Role.SECRETARY, branch_a1)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return w


@pytest.fixture
def login(client):
    """Log the test client in as a persona by name ("anonymous" stays logged out)."""

    def _login(world: World, name: str):
        client.logout()
        if name != "anonymous":
            # force_login bypasses the backend's is_active check; log in as a real form would
            # (with a request, so that the login lockout sees it as the login page does).
            request = RequestFactory().post("/accounts/login/")
            ok = client.login(request=request, username=name, password=PASSWORD)
            assert ok == (name != "deactivated")
        return client

    return _login


def _test_database_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def _wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@dataclass
class CeleryProcess:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_celery(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> CeleryProcess:
    """Start `celery -A branchwork ARGS` against the test database and the test Redis."""
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        pytest.fail("CELERY_BROKER_URL must point at the test redis-server (scripts/test.sh)")
    log = tmp_path / f"celery-{args[0]}.log"
    full_env = {**os.environ, "DATABASE_URL": _test_database_url(), **(env or {})}
    return CeleryProcess(
        spawn(
            [sys.executable, "-m", "celery", "-A", "branchwork", *args, "--loglevel=INFO"],
            log=log,
            env=full_env,
        ),
        log,
    )


def spawn(argv: list[str], *, log: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start a process of the project in its own session, output to a log file."""
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real `celery worker` process consuming from the test redis-server."""
    worker = start_celery(tmp_path, "worker", "--pool=solo", "--without-heartbeat")
    ready = _wait_for(lambda: "ready." in worker.output() or worker.process.poll() is not None, 60)
    if not ready or worker.process.poll() is not None:
        stop_process(worker.process)
        pytest.fail(f"Celery worker did not start:\n{worker.output()}")
    yield worker
    stop_process(worker.process)


wait_for = _wait_for


def redis_stop() -> None:
    """Stop the test redis-server (scripts/services.sh started it on this port)."""
    port = os.environ["BRANCHWORK_TEST_REDIS_PORT"]
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    wait_for(lambda: subprocess.run(["redis-cli", "-p", port, "ping"],
                                    capture_output=True).returncode != 0, 10)  # fmt: skip


def redis_start() -> None:
    port = os.environ["BRANCHWORK_TEST_REDIS_PORT"]
    subprocess.run(
        ["redis-server", "--bind", "127.0.0.1", "--port", port, "--save", "",
         "--appendonly", "no", "--daemonize", "yes", "--dir", "/tmp"],
        check=True, capture_output=True,
    )  # fmt: skip
    assert wait_for(
        lambda: (
            subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True).returncode == 0
        ),
        10,
    )
