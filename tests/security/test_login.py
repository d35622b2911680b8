"""Login protection: lockout per account and per address (also behind a proxy), unlock,
password rules, log out everywhere."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from branchwork.security import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(username: str, password: str, ip: str, **headers) -> int:
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response


def test_an_account_is_locked_after_the_limit_from_any_address(world, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        # A different address each time: the per-address count never reaches the limit.
        assert attempt("secretary_a", "wrong", f"10.0.0.{n + 1}").status_code == 200
    # The attempt that reaches the limit is answered with the lockout page.
    assert attempt("secretary_a", "wrong", "10.0.0.250").status_code == 429
    locked = attempt("secretary_a", PASSWORD, "10.0.1.1")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录失败次数过多" in text  # the lockout page in Chinese
    assert "_auth_user_id" not in locked.client.session
    # Other accounts are not affected.
    assert attempt("secretary_a2", PASSWORD, "10.0.1.2").status_code == 302


def test_an_address_is_locked_after_the_limit_for_any_account(world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(f"nobody{n}", "wrong", "10.9.9.9").status_code == 200
    assert attempt("nobody", "wrong", "10.9.9.9").status_code == 429
    assert attempt("secretary_a", PASSWORD, "10.9.9.9").status_code == 429
    assert attempt("secretary_a", PASSWORD, "10.9.9.10").status_code == 302


def test_unlock_by_command(world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("secretary_a", "wrong", f"10.0.0.{n + 1}")
    assert attempt("secretary_a", PASSWORD, "10.0.2.1").status_code == 429
    call_command("axes_reset_username", "secretary_a", stdout=None)
    assert attempt("secretary_a", PASSWORD, "10.0.2.1").status_code == 302


def test_a_success_resets_the_count(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("secretary_a", "wrong", "10.1.1.1")
    assert attempt("secretary_a", PASSWORD, "10.1.1.1").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("secretary_a", "wrong", "10.1.1.1")
    assert attempt("secretary_a", PASSWORD, "10.1.1.1").status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts_and_forged_ones_do_not(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    rf_meta = {"REMOTE_ADDR": "172.17.0.1"}  # the proxy
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", **rf_meta)
    assert client_ip(request) == "203.0.113.7"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="garbage", **rf_meta)
    assert client_ip(request) == "172.17.0.1"
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", **rf_meta)
    assert client_ip(request) == "172.17.0.1"

    settings.TRUSTED_PROXY_COUNT = 1
    # An attacker rotating the forged left-hand part is still one address to the lockout…
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(
            f"nobody{n}", "wrong", "172.17.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.5"
        )
        assert response.status_code == 200
    response = attempt("x", "wrong", "172.17.0.1", HTTP_X_FORWARDED_FOR="4.4.4.4, 198.51.100.5")
    assert response.status_code == 429
    assert (
        attempt(
            "secretary_a", PASSWORD, "172.17.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.5"
        ).status_code
        == 429
    )
    # …while other people behind the same proxy still log in.
    assert (
        attempt(
            "secretary_a", PASSWORD, "172.17.0.1", HTTP_X_FORWARDED_FOR="198.51.100.6"
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "password",
    ["short1", "1234567890123", "password1234", "secretary_a2026", "qwertyuiop"],
)
def test_weak_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=world.secretary_a)


def test_a_strong_password_is_accepted(world):
    validate_password("红旗-渠-1965-steady", user=world.secretary_a)


def test_password_change_form_refuses_a_weak_password_in_chinese(world, login):
    client = login(world, "secretary_a")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "errorlist" in text, text
    world.secretary_a.refresh_from_db()
    assert world.secretary_a.check_password(PASSWORD)


def test_logout_everywhere_ends_every_session_of_that_user_only(world):
    phone, laptop, colleague = Client(), Client(), Client()
    for client, name in ((phone, "secretary_a"), (laptop, "secretary_a"), (colleague, "admin_a")):
        assert (
            client.post(reverse("login"), {"username": name, "password": PASSWORD}).status_code
            == 302
        )
        assert client.get(reverse("dashboard")).status_code == 200
    response = laptop.post(reverse("logout-everywhere"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert laptop.get(reverse("dashboard")).status_code == 302
    assert phone.get(reverse("dashboard")).status_code == 302
    assert colleague.get(reverse("dashboard")).status_code == 200


def test_session_cookies_are_secure_and_http_only_in_production(settings):
    # The test command runs with DEBUG off and no override: production values.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    client = Client()
    response = client.get(reverse("login"))
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True


def test_the_organisation_admin_unlocks_her_people_only(world, settings, login):
    from branchwork import services as kernel
    from branchwork.models import Role

    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("secretary_a", "wrong", f"10.0.3.{n + 1}")
    assert attempt("secretary_a", PASSWORD, "10.0.4.1").status_code == 429
    admin_b = kernel.create_user(username="admin_b", password=PASSWORD)
    kernel.grant_role(user=admin_b, organisation=world.school_b, role=Role.ADMIN)

    other = Client()
    other.login(request=None, username="admin_b", password=PASSWORD)
    assert "secretary_a" not in other.get(reverse("lockouts")).content.decode()
    assert other.post(reverse("lockouts"), {"username": "secretary_a"}).status_code == 404
    assert attempt("secretary_a", PASSWORD, "10.0.4.1").status_code == 429

    admin = login(world, "admin_a")
    page = admin.get(reverse("lockouts")).content.decode()
    assert "secretary_a" in page and "解锁" in page
    response = admin.post(reverse("lockouts"), {"username": "secretary_a"}, follow=True)
    assert "可以重新登录" in response.content.decode()
    assert attempt("secretary_a", PASSWORD, "10.0.4.1").status_code == 302
