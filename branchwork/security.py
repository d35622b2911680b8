"""Login protection: the lockout backend, the client's address behind proxies, and
ending every session of a user ("log out everywhere").

django-axes counts failed logins per account and per client address (settings
`AXES_*`); its backend refuses a locked-out login before the password is checked.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for logins that come from the network.

    Every login from the web (the login page, the admin's login) passes the request.
    Code that authenticates in-process without one (the test client's `login()`, a
    shell) has no client to lock out; axes would raise there, so this backend stands
    aside and leaves the decision to the next backend.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n proxies in front,
    the n-th address from the right of X-Forwarded-For (each proxy appends the address
    it saw; anything further left was written by the client and may be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    chain = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(chain) < count:
        # Fewer hops than proxies configured: the request did not come through all of
        # them, so the nearest address we have is the best we know.
        return remote
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def end_all_sessions(user: Any) -> int:
    """Delete every stored session signed in as `user` (database sessions): every
    browser and phone of hers is logged out at its next request. Returns how many."""
    ended = 0
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data.get(SESSION_KEY) == user_id and HASH_SESSION_KEY in data:
            session.delete()
            ended += 1
    return ended


UNLOCK = "branchwork.unlock"


def locked_accounts(admin: Any) -> list[dict[str, Any]]:
    """Accounts of people in the admin's organisations that are locked out right now."""
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    from django.db.models import Max, Sum

    from branchwork.access import scope_for

    organisations = scope_for(admin).organisation_ids(UNLOCK)
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(role_assignments__organisation_id__in=organisations)
        .distinct()
    }
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=list(users), attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [{**row, "user": users[row["username"]]} for row in rows]


def unlock(*, admin: Any, username: str) -> bool:
    """Lift the lockout of one account of the admin's organisations; False if it is not
    one of them or not locked. (Locks on an address are the operator's: axes_reset_ip.)"""
    from axes.utils import reset

    if username not in {row["username"] for row in locked_accounts(admin)}:
        return False
    reset(username=username)
    return True
