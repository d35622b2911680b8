"""Report pages: what the user may generate, progress while it renders, downloads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branchwork import reports
from branchwork.access import get_visible_or_404, requires, scope_for
from branchwork.exporters import content_disposition
from branchwork.http import posted
from branchwork.models import Organisation, ReportFile, ReportNarrative


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


@requires("reports.view")
def report_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    branches = list(Organisation.objects.visible_to(request.user, "reports.branch").branches())
    schools = list(Organisation.objects.visible_to(request.user, "reports.school").schools())
    files = (
        ReportFile.objects.visible_to(request.user, "reports.view")
        .select_related("created_by", "organisation")
        .order_by("-created_at", "-id")[:100]
    )
    member = getattr(request.user, "member", None)
    return render(
        request,
        "reports/list.html",
        {
            "branches": branches,
            "schools": schools,
            "files": files,
            "years": _years(),
            "default_year": timezone.localdate().year
            - (1 if timezone.localdate().month < 7 else 0),
            "own_member": member,
            "can_narrate": scope.has("reports.narrative"),
        },
    )


@requires("reports.view")
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    try:
        subject_id = int(request.POST.get("subject", ""))
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("Choose what to generate and a year."))
        return redirect("reports")
    try:
        report = reports.request(kind=kind, subject_id=subject_id, year=year, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports")
    return redirect("report-status", pk=report.pk)


@requires("reports.view")
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(ReportFile, request.user, "reports.view", pk=pk)
    template = "reports/_progress.html" if request.htmx else "reports/status.html"
    return render(request, template, {"report": report})


@requires("reports.view")
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(ReportFile, request.user, "reports.view", pk=pk)
    if report.state != ReportFile.State.DONE or not report.file:
        raise Http404
    response = FileResponse(report.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{report.title}.pdf")
    return response


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = ReportNarrative
        fields = ["summary", "problems", "plans"]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in fields}


@requires("reports.narrative")
def report_narrative(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = get_visible_or_404(Organisation, request.user, "reports.narrative", pk=pk)
    if year not in _years():
        raise Http404
    narrative = ReportNarrative.objects.filter(organisation=organisation, year=year).first()
    narrative = narrative or ReportNarrative(organisation=organisation, year=year)
    form = NarrativeForm(posted(request), instance=narrative)
    if request.method == "POST" and form.is_valid():
        narrative = form.save(commit=False)
        narrative.updated_by = request.user
        narrative.save()
        messages.success(request, _("Saved. Generate the report again to include it."))
        return redirect("reports")
    return render(
        request,
        "reports/narrative.html",
        {"form": form, "organisation": organisation, "year": year},
    )
