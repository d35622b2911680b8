"""Assistance pages: thin views over selectors and services, every object fetched through
the scope (another teacher's student is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assistance import selectors, services
from assistance.exporters import LedgerExporter
from assistance.forms import (
    AssessmentForm,
    CloseForm,
    ImportForm,
    PairingForm,
    StudentForm,
    VisitForm,
)
from assistance.models import MANAGE, VIEW_FILE, Pairing, Student, Visit
from assistance.resources import PAIRING_COLUMNS, STUDENT_COLUMNS
from assistance.selectors import COUNTS, LEDGER
from assistance.services import MENTOR_STAGES
from branchwork import import_views
from branchwork.access import get_visible_or_404, requires, scope_for
from branchwork.http import posted, posted_files
from branchwork.models import ImportBatch, Organisation
from branchwork.registry import IMPORT_KINDS
from branchwork.uploads import file_response
from members.models import Member

# Sent by static/js/assistance.js when it submits the visit form itself: the answer is
# then 201 + JSON (no names) on success, so the script knows it may drop the draft.
DRAFT_HEADER = "X-Branchwork-Draft"


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@requires(COUNTS)
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    context = {
        "rows": selectors.my_pairings(request.user),
        "manages": scope.has(MANAGE),
        "can_ledger": scope.has(LEDGER),
        **selectors.secretary_overview(request.user),
    }
    return render(request, "assistance/home.html", context)


@requires(LEDGER)
def ledger(request: HttpRequest) -> HttpResponse:
    rows = selectors.ledger(request.user)
    return render(
        request,
        "assistance/ledger.html",
        {"rows": rows, "any_names": any(r.show_names for r in rows)},
    )


@requires(LEDGER)
def ledger_export(request: HttpRequest) -> HttpResponse:
    return LedgerExporter(selectors.ledger(request.user)).response("xlsx")


# ---------------------------------------------------------------- students


@requires(VIEW_FILE)
def student_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "assistance/student_list.html",
        {
            "students": selectors.students(request.user, query=query),
            "query": query,
            "manages": scope_for(request.user).has(MANAGE),
        },
    )


def _schools(user) -> object:
    managed = scope_for(user).organisation_ids(MANAGE)
    return Organisation.objects.filter(
        id__in=Organisation.objects.filter(id__in=managed).values("school_id")
    ).order_by("path")


@requires(MANAGE)
def student_create(request: HttpRequest) -> HttpResponse:
    schools = _schools(request.user)
    form = StudentForm(posted(request), schools=schools)
    if request.method == "POST" and form.is_valid():
        student = form.save(commit=False)
        student.school = form.cleaned_data["school"]
        try:
            services.save_student(student=student, by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The student's file was created."))
            return redirect("student-detail", pk=student.pk)
    return render(request, "assistance/student_form.html", {"form": form, "student": None})


@requires(MANAGE)
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_visible_or_404(Student, request.user, MANAGE, pk=pk)
    form = StudentForm(posted(request), instance=student)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_student(student=form.save(commit=False), by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The student's file was saved."))
            return redirect("student-detail", pk=student.pk)
    return render(request, "assistance/student_form.html", {"form": form, "student": student})


@requires(VIEW_FILE)
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = get_visible_or_404(Student, request.user, VIEW_FILE, pk=pk)
    services.record_file_access(student=student, user=request.user, page="student")
    manages = scope_for(request.user).has(MANAGE) and (
        Student.objects.visible_to(request.user, MANAGE).filter(pk=student.pk).exists()
    )
    pairings = student.pairings.select_related("mentor", "branch").order_by("-started_on")
    return render(
        request,
        "assistance/student_detail.html",
        {
            "student": student,
            "pairings": pairings,
            "manages": manages,
            "accesses": selectors.access_log(request.user, student_id=student.pk)[:20]
            if manages
            else [],
        },
    )


# ---------------------------------------------------------------- pairings


@requires(MANAGE)
def pairing_create(request: HttpRequest) -> HttpResponse:
    managed = scope_for(request.user).organisation_ids(MANAGE)
    students = Student.objects.visible_to(request.user, MANAGE).without_mentor()
    mentors = (
        Member.objects.filter(organisation_id__in=managed, status="active", stage__in=MENTOR_STAGES)
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )
    initial = {}
    if request.GET.get("student", "").isdigit():
        initial["student"] = int(request.GET["student"])
    form = PairingForm(posted(request), students=students, mentors=mentors, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.open_pairing(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The pairing was opened."))
            return redirect("pairing-detail", pk=pairing.pk)
    return render(request, "assistance/pairing_form.html", {"form": form})


def _pairing(request: HttpRequest, pk: int) -> Pairing:
    pairings = Pairing.objects.visible_to(request.user, VIEW_FILE)
    return get_object_or_404(pairings.select_related("student", "mentor", "branch"), pk=pk)


@requires(VIEW_FILE)
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = _pairing(request, pk)
    services.record_file_access(student=pairing.student, user=request.user, page="pairing")
    context = {
        "pairing": pairing,
        "is_mentor": pairing.mentor.user_id == request.user.pk,
        "saved_draft": request.GET.get("saved") == "visit",
        "draft_key": _draft_key(request, pairing),
        **selectors.pairing_page(pairing),
    }
    return render(request, "assistance/pairing_detail.html", context)


@requires(VIEW_FILE)
def pairing_close(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = _pairing(request, pk)
    form = CloseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.close_pairing(pairing=pairing, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The pairing was closed."))
            if Pairing.objects.visible_to(request.user, VIEW_FILE).filter(pk=pk).exists():
                return redirect("pairing-detail", pk=pk)
            return redirect("assistance-home")
    return render(request, "assistance/pairing_close.html", {"form": form, "pairing": pairing})


# ---------------------------------------------------------------- visits and assessments


def _draft_key(request: HttpRequest, pairing: Pairing) -> str:
    return f"branchwork:visit:{request.user.pk}:{pairing.pk}"


@requires(VIEW_FILE)
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = _pairing(request, pk)
    from_script = request.headers.get(DRAFT_HEADER) == "1"
    form = VisitForm(posted(request), posted_files(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.record_visit(pairing=pairing, **data, by=request.user)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                url = reverse("pairing-detail", args=[pairing.pk]) + "?saved=visit"
                if from_script:
                    return JsonResponse({"saved": True, "url": url}, status=201)
                messages.success(request, _("The visit was recorded."))
                return redirect(url)
        status = 422 if from_script else 200
    return render(
        request,
        "assistance/visit_form.html",
        {"form": form, "pairing": pairing, "draft_key": _draft_key(request, pairing)},
        status=status,
    )


@requires(VIEW_FILE)
def visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(Visit, request.user, VIEW_FILE, pk=pk)
    if not visit.photo:
        return HttpResponse(status=404)
    services.record_file_access(student=visit.pairing.student, user=request.user, page="photo")
    return file_response(
        visit.photo,
        download_name=visit.photo_name or f"visit{visit.pk}",
        content_type=visit.photo_content_type,
    )


@requires(VIEW_FILE)
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = _pairing(request, pk)
    form = AssessmentForm(posted(request), subjects=pairing.subject_list())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_assessment(
                pairing=pairing,
                term=data["term"],
                assessed_on=data["assessed_on"],
                results=data["results"],
                progress=data["progress"],
                assessment=data["assessment"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("pairing-detail", pk=pairing.pk)
    return render(request, "assistance/assessment_form.html", {"form": form, "pairing": pairing})


@requires(MANAGE)
def access_log(request: HttpRequest) -> HttpResponse:
    entries = selectors.access_log(request.user)[:500]
    return render(request, "assistance/access_log.html", {"entries": entries})


# ---------------------------------------------------------------- imports

IMPORT_COLUMNS = {"students": STUDENT_COLUMNS, "pairings": PAIRING_COLUMNS}


def _import_context(kind: str) -> dict:
    if kind not in services.IMPORTS:
        raise Http404
    return {"kind": kind, "columns": IMPORT_COLUMNS[kind],
            "import_kind": IMPORT_KINDS[f"assistance-{kind}"]}  # fmt: skip


@requires(MANAGE)
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Phase 1: check every row and show errors or a preview; nothing is written."""
    context = _import_context(kind)
    form = ImportForm(posted(request), posted_files(request), schools=_schools(request.user))
    return import_views.check_upload(
        request, form, context["import_kind"],
        lambda batch: render(request, "assistance/import.html",
                             {**context, "form": form, "batch": batch}),
    )  # fmt: skip


@requires(MANAGE)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Phase 2: check the stored file again and write it all in one transaction."""
    batch = get_visible_or_404(
        ImportBatch,
        request.user,
        MANAGE,
        pk=pk,
        kind__in=[f"assistance-{k}" for k in IMPORT_COLUMNS],
    )
    context = _import_context(batch.kind.removeprefix("assistance-"))
    form = ImportForm(schools=_schools(request.user))
    return import_views.confirm(
        request, batch, context["import_kind"],
        lambda b: render(request, "assistance/import.html", {**context, "form": form, "batch": b}),
    )  # fmt: skip
