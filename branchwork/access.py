"""The one permission mechanism every view goes through.

Three pieces, used together:

* **Capabilities** (``"members.view"``) are granted to roles. Each app registers what
  it contributes in its ``AppConfig.ready()`` with :func:`register_capabilities`; the
  kernel never names a domain app.
* A user's :class:`Scope` answers "in which organisations may this user do X?". A role
  held in an organisation reaches that organisation and everything below it (a secretary
  of branch A reaches A and A's party groups; an admin of the school reaches the school).
* Views declare what they need with :func:`requires`; objects are fetched through
  ``Model.objects.visible_to(user, capability)`` (a :class:`ScopedQuerySet`), so an
  object outside the user's scope is simply not found: a 404, never a 403 that would
  confirm it exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

_GRANTS: dict[str, frozenset[str]] = {}


def register_capabilities(grants: Mapping[str, Iterable[str]]) -> None:
    """Declare capabilities and the roles that hold them. Called from AppConfig.ready()."""
    for capability, roles in grants.items():
        roles = frozenset(str(role) for role in roles)
        if capability in _GRANTS and _GRANTS[capability] != roles:
            raise ImproperlyConfigured(f"Capability {capability!r} is registered twice")
        _GRANTS[capability] = roles


def roles_with(capability: str) -> frozenset[str]:
    try:
        return _GRANTS[capability]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown capability {capability!r}") from None


def registered_capabilities() -> dict[str, frozenset[str]]:
    return dict(_GRANTS)


@dataclass
class Scope:
    """What one user may reach. Built once per request; organisation ids cached per capability."""

    user_id: int | None
    # (role, organisation id, organisation path) for each role the user holds.
    grants: tuple[tuple[str, int, str], ...] = ()
    _orgs: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)
    _all: list[tuple[int, str]] | None = field(default=None, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _org, _path in self.grants)

    def _prefixes(self, capability: str) -> list[str]:
        wanted = roles_with(capability)
        return sorted({path for role, _org, path in self.grants if role in wanted})

    def has(self, capability: str) -> bool:
        """Holds the capability somewhere (decides whether a page can be opened at all)."""
        return bool(self._prefixes(capability))

    def has_in(self, capability: str, organisation: Any) -> bool:
        """Holds the capability in this organisation (no query: path prefixes)."""
        return any(organisation.path.startswith(p) for p in self._prefixes(capability))

    def _reachable(self) -> list[tuple[int, str]]:
        """(id, path) of every organisation below any of the user's roles: one query,
        shared by all capabilities."""
        if self._all is None:
            prefixes = sorted({path for _role, _org, path in self.grants})
            if not prefixes:
                self._all = []
            else:
                organisation = apps.get_model("branchwork", "Organisation")
                condition = Q()
                for prefix in prefixes:
                    condition |= Q(path__startswith=prefix)
                self._all = list(organisation.objects.filter(condition).values_list("id", "path"))
        return self._all

    def organisation_ids(self, capability: str) -> frozenset[int]:
        """Every organisation where the capability holds."""
        if capability not in self._orgs:
            prefixes = tuple(self._prefixes(capability))
            self._orgs[capability] = (
                frozenset(pk for pk, path in self._reachable() if path.startswith(prefixes))
                if prefixes
                else frozenset()
            )
        return self._orgs[capability]


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user_id=None)
    cached = getattr(user, "_branchwork_scope", None)
    if cached is None:
        assignment = apps.get_model("branchwork", "RoleAssignment")
        grants = tuple(
            assignment.objects.filter(user_id=user.pk).values_list(
                "role", "organisation_id", "organisation__path"
            )
        )
        cached = Scope(user_id=user.pk, grants=grants)
        user._branchwork_scope = cached
    return cached


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which organisation each row belongs to.

    Subclasses name the path to the owning organisation's id in ``scope_field``, or
    override :meth:`scope_condition` where visibility has more to it (a member's own
    record, a mentor's own pairing).
    """

    scope_field: str = "organisation_id"

    def scope_condition(self, scope: Scope, capability: str) -> Q:
        return Q(**{f"{self.scope_field}__in": scope.organisation_ids(capability)})

    def visible_to(self, user: Any, capability: str) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.is_anonymous or not scope.has(capability):
            return self.none()
        return self.filter(self.scope_condition(scope, capability))


def get_visible_or_404(
    model: type[models.Model], user: Any, capability: str, **lookup: Any
) -> models.Model:
    """Fetch one object through the model's scope; outside it is a 404."""
    return get_object_or_404(model.objects.visible_to(user, capability), **lookup)


@dataclass(frozen=True)
class Access:
    """What a view declared: public, any signed-in user, or a capability."""

    capability: str | None = None
    public: bool = False

    def describe(self) -> str:
        if self.public:
            return "public"
        return self.capability or "signed-in"


ACCESS_ATTRIBUTE = "branchwork_access"


def requires(capability: str | None = None, *, public: bool = False) -> Callable:
    """Declare who may use a view.

    ``@requires("members.view")``: signed in and holding the capability somewhere
    (objects are then fetched through ``visible_to``). ``@requires()``: any signed-in,
    active user. ``@requires(public=True)``: anyone (login page, health check).
    Anonymous users are sent to the login page; users without the capability get 403.
    """
    if capability is not None:
        roles_with(capability)  # unknown names fail at import, not at request time
    access = Access(capability=capability, public=public)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        if public:
            wrapped = view
        else:

            @functools.wraps(view)
            def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if capability is not None and not scope_for(request.user).has(capability):
                    raise PermissionDenied
                return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, access)
        return wrapped

    return decorator


def declared_access(view: Callable) -> Access | None:
    """What a URL's callback declared, looking through class-based view wrappers."""
    access = getattr(view, ACCESS_ATTRIBUTE, None)
    if access is None and hasattr(view, "view_class"):
        access = getattr(view.view_class, ACCESS_ATTRIBUTE, None)
    return access
