"""Member pages: thin views over selectors, every object fetched through the scope."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from branchwork.access import get_visible_or_404, requires, scope_for
from members import selectors
from members.models import Member


@requires("members.view")
def member_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    members = selectors.roster(request.user, query=query)
    return render(request, "members/member_list.html", {"members": members, "query": query})


@requires("members.view")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member, request.user, "members.view", pk=pk)
    show_private = scope_for(request.user).has_in("members.view_private", member.organisation)
    return render(
        request, "members/member_detail.html", {"member": member, "show_private": show_private}
    )
