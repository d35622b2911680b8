"""Pledge pages: thin views over services and selectors; every object fetched in scope.

Actions that only write (submit, decide, close, review) answer a GET by sending the user
back to the pledge, after fetching it through the scope, so an outsider still sees a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from branchwork.access import get_visible_or_404, requires, scope_for
from branchwork.models import Organisation
from branchwork.uploads import file_response
from members.models import Member
from pledges import selectors, services
from pledges.exports import AppraisalExporter, LedgerExporter
from pledges.forms import (
    AmendForm,
    BandsForm,
    CategoryForm,
    CloseForm,
    CommentForm,
    DecisionForm,
    FulfilmentForm,
    LetterForm,
    LetterItemForm,
    PledgeForm,
    ReviewForm,
    ReviewGradesForm,
    SelfAssessmentForm,
)
from pledges.models import Category, Fulfilment, Pledge, ResponsibilityLetter


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return selectors.current_year()
    return year if 2000 <= year <= 2100 else selectors.current_year()


def _branch(request: HttpRequest, capability: str) -> tuple[Organisation, list[Organisation]]:
    """The branch chosen in ?branch=, among those the user manages (404 outside)."""
    branches = list(selectors.managed_branches(request.user, capability))
    if not branches:
        raise Http404
    wanted = request.GET.get("branch") or request.POST.get("branch")
    if not wanted:
        return branches[0], branches
    branch = next((b for b in branches if str(b.pk) == wanted), None)
    if branch is None:
        raise Http404
    return branch, branches


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    """(data, files) for a bound form on POST (even an empty one), (None, None) on GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _bounce(request: HttpRequest, error: ValidationError, to: str) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect(to)


# --- the member's own pledges --------------------------------------------------------


@requires("pledges.own")
def pledge_mine(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    member = selectors.own_member(request.user)
    return render(
        request,
        "pledges/pledge_mine.html",
        {
            "member": member,
            "pledges": selectors.my_pledges(request.user, year=year) if member else [],
            "year": year,
            "years": [year - 1, year, year + 1],
        },
    )


@requires("pledges.own")
def pledge_create(request: HttpRequest) -> HttpResponse:
    member = selectors.own_member(request.user)
    if member is None:
        messages.error(request, _("Your login is not linked to a member record."))
        return redirect("pledge-mine")
    categories = services.ensure_default_categories(school=member.organisation.school)
    form = PledgeForm(
        _posted(request)[0],
        categories=selectors.categories_for(member),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.pledge_create(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The draft is saved. Submit it when it is ready."))
            return redirect("pledge-detail", pledge.pk)
    return render(
        request,
        "pledges/pledge_form.html",
        {"form": form, "pledge": None, "categories": categories},
    )


@requires("pledges.own")
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Her own pledge, and only while it is a draft (or returned): anything else is a 404.
    pledge = get_object_or_404(
        Pledge.objects.visible_to(request.user, "pledges.own")
        .editable()
        .select_related("member__organisation"),
        pk=pk,
    )
    initial = {
        name: getattr(pledge, name)
        for name in ("category", "text", "target_amount", "target_unit", "target_text", "due_date")
    }
    form = PledgeForm(
        _posted(request)[0],
        initial=initial,
        categories=selectors.categories_for(pledge.member),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_update(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The pledge is saved."))
            return redirect("pledge-detail", pledge.pk)
    return render(request, "pledges/pledge_form.html", {"form": form, "pledge": pledge})


@requires("pledges.view")
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(
        Pledge.objects.visible_to(request.user, "pledges.view").select_related(
            "member", "category", "organisation", "approved_by"
        ),
        pk=pk,
    )
    accepted, percent = selectors.pledge_progress(pledge)
    actions = services.allowed_actions(pledge, request.user)
    history = list(
        pledge.history.select_related("history_user").order_by("-history_date", "-history_id")[:30]
    )
    return render(
        request,
        "pledges/pledge_detail.html",
        {
            "pledge": pledge,
            "accepted": accepted,
            "percent": percent,
            "actions": actions,
            "is_owner": pledge.member.user_id == request.user.pk,
            "can_review": services.is_secretary_of(request.user, pledge.organisation),
            "entries": pledge.entries.select_related("reviewed_by"),
            "close_form": CloseForm(),
            "history": history,
        },
    )


@requires("pledges.own")
def pledge_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(
        Pledge.objects.visible_to(request.user, "pledges.own").select_related("member"), pk=pk
    )
    if request.method == "POST":
        try:
            services.pledge_submit(pledge=pledge, by=request.user)
        except ValidationError as error:
            return _bounce(request, error, reverse("pledge-detail", args=[pk]))
        messages.success(request, _("Submitted to the branch secretary."))
    return redirect("pledge-detail", pk)


@requires("pledges.manage")
def pledge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_visible_or_404(Pledge, request.user, "pledges.manage", pk=pk)
    form = DecisionForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                services.pledge_approve(pledge=pledge, by=request.user)
                messages.success(request, _("The pledge is approved and now locked."))
            else:
                services.pledge_return(
                    pledge=pledge, comment=form.cleaned_data["comment"], by=request.user
                )
                messages.success(request, _("The pledge is returned to the member."))
        except ValidationError as error:
            return _bounce(request, error, reverse("pledge-detail", args=[pk]))
    elif request.method == "POST":
        messages.error(request, _("Choose whether to approve or return the pledge."))
    return redirect("pledge-detail", pk)


@requires("pledges.manage")
def pledge_amend(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_visible_or_404(Pledge, request.user, "pledges.manage", pk=pk)
    initial = {
        name: getattr(pledge, name)
        for name in ("text", "target_amount", "target_unit", "target_text", "due_date")
    }
    form = AmendForm(_posted(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_amend(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The change is saved with its reason."))
            return redirect("pledge-detail", pk)
    return render(request, "pledges/pledge_amend.html", {"form": form, "pledge": pledge})


@requires("pledges.manage")
def pledge_close(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_visible_or_404(Pledge, request.user, "pledges.manage", pk=pk)
    form = CloseForm(_posted(request)[0])
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Choose fulfilled, partly fulfilled or not fulfilled."))
            return redirect("pledge-detail", pk)
        try:
            services.pledge_close(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return _bounce(request, error, reverse("pledge-detail", args=[pk]))
        messages.success(request, _("The pledge is closed."))
    return redirect("pledge-detail", pk)


# --- fulfilment entries --------------------------------------------------------------


@requires("pledges.own")
def fulfilment_create(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(
        Pledge.objects.visible_to(request.user, "pledges.own").select_related("member"), pk=pk
    )
    form = FulfilmentForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.fulfilment_record(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Recorded. The secretary will review it."))
            return redirect("pledge-detail", pk)
    return render(
        request, "pledges/fulfilment_form.html", {"form": form, "pledge": pledge, "entry": None}
    )


@requires("pledges.own")
def fulfilment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        Fulfilment.objects.visible_to(request.user, "pledges.own")
        .exclude(status="accepted")
        .select_related("pledge__member"),
        pk=pk,
    )
    initial = {"date": entry.date, "description": entry.description, "amount": entry.amount}
    form = FulfilmentForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.fulfilment_resubmit(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Corrected. The secretary will review it again."))
            return redirect("pledge-detail", entry.pledge_id)
    return render(
        request,
        "pledges/fulfilment_form.html",
        {"form": form, "pledge": entry.pledge, "entry": entry},
    )


@requires("pledges.manage")
def fulfilment_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        Fulfilment.objects.visible_to(request.user, "pledges.manage").select_related(
            "pledge__organisation"
        ),
        pk=pk,
    )
    form = ReviewForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            services.fulfilment_review(
                entry=entry,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            return _bounce(request, error, reverse("pledge-detail", args=[entry.pledge_id]))
        messages.success(request, _("The review is saved."))
    elif request.method == "POST":
        messages.error(request, _("Choose whether to accept or return the entry."))
    return redirect("pledge-detail", entry.pledge_id)


@requires("pledges.view")
def fulfilment_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(Fulfilment, request.user, "pledges.view", pk=pk)
    if not entry.evidence:
        raise Http404
    # Evidence is at most 10 MB: read it whole so the disk handle is closed at once, even
    # when a client never reads the body to the end.
    with entry.evidence.open("rb") as stored:
        content = ContentFile(stored.read(), name=entry.evidence.name)
    return file_response(
        content,
        download_name=entry.evidence_name or "evidence",
        content_type=entry.evidence_content_type,
    )


# --- the secretary's ledger ----------------------------------------------------------


@requires("pledges.view_ledger")
def pledge_ledger(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    branch, branches = _branch(request, "pledges.view_ledger")
    return render(
        request,
        "pledges/ledger.html",
        {
            "branch": branch,
            "branches": branches,
            "year": year,
            "pledges": selectors.ledger(branch, year=year),
            "rates": selectors.fulfilment_rates_by_category(branch=branch, year=year),
        },
    )


@requires("pledges.view_ledger")
def pledge_ledger_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    branch, _branches = _branch(request, "pledges.view_ledger")
    return LedgerExporter(branch=branch, year=year).response("xlsx")


# --- the wall (亮承诺) ----------------------------------------------------------------


@requires("pledges.view_wall")
def pledge_wall_index(request: HttpRequest) -> HttpResponse:
    branches = list(selectors.wall_branches(request.user))
    own = selectors.own_member(request.user)
    if own and any(b.pk == own.organisation_id for b in branches) and "all" not in request.GET:
        return redirect("pledge-wall", own.organisation_id)
    return render(request, "pledges/wall_index.html", {"branches": branches})


def _wall(request: HttpRequest, pk: int, template: str) -> HttpResponse:
    branch = get_object_or_404(selectors.wall_branches(request.user), pk=pk)
    year = _year(request)
    return render(
        request,
        template,
        {
            "branch": branch,
            "year": year,
            "rows": selectors.wall(branch, year=year),
        },
    )


@requires("pledges.view_wall")
def pledge_wall(request: HttpRequest, pk: int) -> HttpResponse:
    return _wall(request, pk, "pledges/wall.html")


@requires("pledges.view_wall")
def pledge_wall_print(request: HttpRequest, pk: int) -> HttpResponse:
    return _wall(request, pk, "pledges/wall_print.html")


# --- the positive list and the bands (organisation admin) ----------------------------


def _admin_school(request: HttpRequest) -> Organisation:
    ids = scope_for(request.user).organisation_ids("pledges.configure")
    schools = Organisation.objects.filter(id__in=ids).values("school_id")
    school = Organisation.objects.filter(id__in=schools).order_by("path").first()
    if school is None:
        raise Http404
    return school


@requires("pledges.configure")
def category_list(request: HttpRequest) -> HttpResponse:
    school = _admin_school(request)
    services.ensure_default_categories(school=school)
    form = CategoryForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The category is added."))
            return redirect("category-list")
    categories = Category.objects.filter(organisation=school).order_by("position", "id")
    return render(
        request,
        "pledges/category_list.html",
        {"school": school, "categories": categories, "form": form},
    )


@requires("pledges.view_wall")
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the organisation admin reaches a category: anyone else gets a 404.
    category = get_visible_or_404(Category, request.user, "pledges.configure", pk=pk)
    initial = {
        "name": category.name,
        "description": category.description,
        "position": category.position,
        "is_active": category.is_active,
    }
    form = CategoryForm(_posted(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                school=category.organisation,
                category=category,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The category is saved."))
            return redirect("category-list")
    return render(request, "pledges/category_edit.html", {"form": form, "category": category})


@requires("pledges.configure")
def bands_edit(request: HttpRequest) -> HttpResponse:
    school = _admin_school(request)
    bands = services.bands_for(school)
    initial = {
        "excellent_from": bands.excellent_from,
        "qualified_from": bands.qualified_from,
        "basic_from": bands.basic_from,
    }
    form = BandsForm(_posted(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bands_save(school=school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The bands are saved."))
            return redirect("bands-edit")
    return render(request, "pledges/bands_form.html", {"form": form, "school": school})


# --- responsibility letters ----------------------------------------------------------


@requires("pledges.view_ledger")
def letter_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    branch, branches = _branch(request, "pledges.view_ledger")
    can_manage = services.is_secretary_of(request.user, branch)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        created = services.letters_issue(branch=branch, year=year, by=request.user)
        messages.success(request, _("%(count)s letters prepared.") % {"count": created})
        return redirect(f"{reverse('letter-list')}?branch={branch.pk}&year={year}")
    return render(
        request,
        "pledges/letter_list.html",
        {
            "branch": branch,
            "branches": branches,
            "year": year,
            "rows": selectors.appraisal_rows(branch, year=year),
            "can_manage": can_manage,
        },
    )


@requires("pledges.view")
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(
        ResponsibilityLetter.objects.visible_to(request.user, "pledges.view").select_related(
            "member", "organisation"
        ),
        pk=pk,
    )
    can_manage = services.is_secretary_of(request.user, letter.organisation)
    items = selectors.letter_items(letter)
    adding = "new_item_text" in request.POST
    form = LetterForm(
        None if adding else _posted(request)[0],
        items=items,
        initial={"signed_on": letter.signed_on},
    )
    item_form = LetterItemForm(request.POST if adding else None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        try:
            if adding and item_form.is_valid():
                services.letter_item_add(
                    letter=letter,
                    text=item_form.cleaned_data["new_item_text"],
                    max_score=item_form.cleaned_data["new_item_max"],
                    by=request.user,
                )
                messages.success(request, _("The item is added."))
                return redirect("letter-detail", pk)
            if not adding and form.is_valid():
                services.letter_record(
                    letter=letter,
                    signed_on=form.cleaned_data["signed_on"],
                    scores=form.scores(),
                    weights=form.weights(),
                    by=request.user,
                )
                messages.success(request, _("The letter is saved."))
                return redirect("letter-detail", pk)
        except ValidationError as error:
            _add_errors(item_form if adding else form, error)
    return render(
        request,
        "pledges/letter_detail.html",
        {
            "letter": letter,
            "items": items,
            "form": form,
            "item_form": item_form,
            "can_manage": can_manage,
        },
    )


# --- appraisal -----------------------------------------------------------------------


@requires("pledges.view_ledger")
def appraisal_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    branch, branches = _branch(request, "pledges.view_ledger")
    can_manage = services.is_secretary_of(request.user, branch)
    rows = selectors.appraisal_rows(branch, year=year)
    form = ReviewGradesForm(_posted(request)[0], rows=rows)
    over_limit = False
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.review_grades_record(
                    branch=branch,
                    year=year,
                    grades=form.grades(),
                    acknowledge_over_limit=form.cleaned_data["acknowledge_over_limit"],
                    by=request.user,
                )
            except services.OverLimitNotAcknowledged as error:
                over_limit = True
                _add_errors(form, error)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The democratic appraisal grades are saved."))
                return redirect(f"{reverse('appraisal-list')}?branch={branch.pk}&year={year}")
    return render(
        request,
        "pledges/appraisal_list.html",
        {
            "branch": branch,
            "branches": branches,
            "year": year,
            "form": form,
            "can_manage": can_manage,
            "over_limit": over_limit,
            "round": selectors.review_round(branch, year=year),
            "distribution": selectors.grade_distribution(branch=branch, year=year),
        },
    )


@requires("pledges.view_ledger")
def appraisal_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    branch, _branches = _branch(request, "pledges.view_ledger")
    return AppraisalExporter(branch=branch, year=year).response("xlsx")


def _appraised_member(request: HttpRequest, pk: int) -> Member:
    """The member herself, or someone who keeps her branch's ledger; others get a 404."""
    ledger = scope_for(request.user).organisation_ids("pledges.view_ledger")
    members = Member.objects.filter(Q(user_id=request.user.pk) | Q(organisation_id__in=ledger))
    return get_object_or_404(members.select_related("organisation"), pk=pk)


@requires("pledges.view")
def appraisal_member(request: HttpRequest, pk: int) -> HttpResponse:
    member = _appraised_member(request, pk)
    year = _year(request)
    is_self = member.user_id == request.user.pk
    can_comment = services.is_secretary_of(request.user, member.organisation)
    appraisal = services.appraisal_for(member=member, year=year)
    self_form = SelfAssessmentForm(
        request.POST if "self_assessment" in request.POST else None,
        initial={"self_assessment": appraisal.self_assessment},
    )
    comment_form = CommentForm(
        request.POST if "secretary_comment" in request.POST else None,
        initial={"secretary_comment": appraisal.secretary_comment},
    )
    if request.method == "POST":
        form: Any = self_form if self_form.is_bound else comment_form
        if (form is self_form and not is_self) or (form is comment_form and not can_comment):
            raise Http404
        if form.is_valid():
            if form is self_form:
                services.appraisal_self_assess(
                    member=member,
                    year=year,
                    text=form.cleaned_data["self_assessment"],
                    by=request.user,
                )
            else:
                services.appraisal_comment(
                    member=member,
                    year=year,
                    comment=form.cleaned_data["secretary_comment"],
                    by=request.user,
                )
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('appraisal-member', args=[pk])}?year={year}")
    row = next(
        (r for r in selectors.appraisal_rows(member.organisation, year=year) if r.member.pk == pk),
        None,
    )
    return render(
        request,
        "pledges/appraisal_member.html",
        {
            "member": member,
            "year": year,
            "appraisal": appraisal,
            "row": row,
            "is_self": is_self,
            "can_comment": can_comment,
            "self_form": self_form,
            "comment_form": comment_form,
            "letters": ResponsibilityLetter.objects.filter(member=member, year=year),
        },
    )
