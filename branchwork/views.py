"""Kernel views: dashboard, organisations, health. Thin: check, call a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from branchwork import audit, health, security, selectors
from branchwork.access import get_visible_or_404, requires, scope_for
from branchwork.models import Organisation
from branchwork.registry import DASHBOARD_PANELS


@requires()
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    panels = [
        {"template": "branchwork/panels/lazy.html", "name": panel.name}
        if panel.lazy
        else {"template": panel.template, **panel.context(request)}
        for panel in DASHBOARD_PANELS
        if scope.has(panel.capability)
    ]
    return render(request, "branchwork/dashboard.html", {"panels": panels})


@requires()
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    """One lazy dashboard panel (`?name=`), as the fragment htmx puts in its place."""
    name = request.GET.get("name", "")
    panel = next((p for p in DASHBOARD_PANELS if p.name == name and p.lazy), None)
    if panel is None or not scope_for(request.user).has(panel.capability):
        raise Http404
    return render(request, panel.template, {"panel": panel.context(request)})


@requires("branchwork.view_organisation")
def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "branchwork/organisation_list.html",
        {"organisations": selectors.organisations_for(request.user)},
    )


@requires("branchwork.view_organisation")
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_visible_or_404(
        Organisation, request.user, "branchwork.view_organisation", pk=pk
    )
    context = {"organisation": organisation}
    context.update(selectors.organisation_detail(request.user, organisation))
    return render(request, "branchwork/organisation_detail.html", context)


@requires(public=True)
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    status, checks = health.run_checks()
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )


@requires(public=True)
@never_cache
def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers through the whole middleware stack, checking nothing
    else (/healthz checks the database, cache and broker). Also the benchmarks' floor: the
    cheapest page Django can serve here."""
    return HttpResponse("ok", content_type="text/plain")


# Django's own views, wrapped so that they too declare who may use them.
login = requires(public=True)(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout = requires(public=True)(auth_views.LogoutView.as_view())
password_change = requires()(auth_views.PasswordChangeView.as_view())
password_change_done = requires()(auth_views.PasswordChangeDoneView.as_view())
set_language = requires(public=True)(django_set_language)


@requires()
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the signed-in user, this one included (a lost phone)."""
    ended = security.end_all_sessions(request.user)
    auth_logout(request)
    message = _("You have been logged out on every device (%(count)d sessions).")
    messages.success(request, message % {"count": ended})
    return redirect("login")


@requires(audit.CAPABILITY)
def audit_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Who changed what and when on one object (organisation admins, their school only)."""
    obj = audit.audited_object(request.user, label, pk)
    return render(
        request,
        "branchwork/audit_history.html",
        {"object": obj, "model_name": obj._meta.verbose_name, "entries": audit.history_of(obj)},
    )


@requires(security.UNLOCK)
def lockouts(request: HttpRequest) -> HttpResponse:
    """The organisation admin unlocks her people's accounts after too many wrong passwords."""
    if request.method == "POST":
        username = request.POST.get("username", "")
        if not security.unlock(admin=request.user, username=username):
            raise Http404
        messages.success(request, _("%(name)s can log in again.") % {"name": username})
        return redirect("lockouts")
    return render(
        request, "branchwork/lockouts.html", {"locked": security.locked_accounts(request.user)}
    )
