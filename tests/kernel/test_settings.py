"""Settings fail loudly: each bad or missing value names its variable at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.TIME_ZONE, "
    "s.LANGUAGE_CODE, s.EMAIL_BACKEND, s.CACHES['default']['BACKEND'])"
)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 40,
    "ALLOWED_HOSTS": "example.org",
}


def start(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
            "EMAIL_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "TIME_ZONE",
            "LANGUAGE_CODE",
        }
    }
    clean["DJANGO_SETTINGS_MODULE"] = "branchwork.settings"
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_quick_start_defaults_need_no_servers():
    result = start({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    engine, broker, tz, language, email, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert tz == "Asia/Shanghai"
    assert language == "zh-hans"
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"


def test_production_values_are_read():
    result = start(
        {
            **PRODUCTION,
            "DATABASE_URL": "postgres://u:p@db:5432/branchwork",
            "CELERY_BROKER_URL": "redis://redis:6379/0",
            "CACHE_URL": "redis://redis:6379/1",
            "EMAIL_URL": "smtp://mail.example.org:25",
            "TIME_ZONE": "Asia/Urumqi",
            "LANGUAGE_CODE": "en",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis:6379/0",
        "Asia/Urumqi",
        "en",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.cache.backends.redis.RedisCache",
    ]


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DEBUG": "ture"}, "DEBUG"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "true", "CACHE_URL": "bogus://x"}, "CACHE_URL"),
        ({"DEBUG": "true", "CELERY_BROKER_URL": "amqp://guest@h//"}, "CELERY_BROKER_URL"),
        ({"DEBUG": "true", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DEBUG": "true", "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE"),
        (
            {"DEBUG": "true", "DATABASE_CONN_MAX_AGE": "soon", "DATABASE_URL": "postgres://u@h/db"},
            "DATABASE_CONN_MAX_AGE",
        ),
    ],
)
def test_bad_or_missing_value_stops_start_up_naming_the_variable(env, variable):
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]
