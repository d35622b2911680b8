"""Member pages. Thin: parse the request, fetch through the scope, call a service or
selector, render. Service refusals (ValidationError) are shown on the form as they are."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork import import_views, privacy
from branchwork.access import get_visible_or_404, requires, scope_for
from branchwork.exporters import content_disposition
from branchwork.http import posted, posted_files
from branchwork.models import ImportBatch, Organisation
from branchwork.registry import IMPORT_KINDS
from members import selectors, services
from members.forms import (
    AdvanceForm,
    ArchiveForm,
    ContactsForm,
    ExtendForm,
    ImportForm,
    MemberForm,
    RecordForm,
    RulesForm,
    TransferForm,
)
from members.models import Member, Post, Stage, Status
from members.resources import COLUMNS, RosterExporter

logger = logging.getLogger(__name__)


def _apply(form: Form, action) -> bool:
    """Run a service; put its refusal on the form. True if it went through."""
    try:
        action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return False
    return True


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> selectors.RosterFilters:
    backbone = {"1": True, "0": False}.get(request.GET.get("backbone", ""))
    stage = request.GET.get("stage", "")
    post = request.GET.get("post", "")
    status = request.GET.get("status", Status.ACTIVE)
    return selectors.RosterFilters(
        query=request.GET.get("q", "").strip()[:50],
        branch_id=_int(request.GET.get("branch")),
        group_id=_int(request.GET.get("group")),
        stage=stage if stage in Stage.values else "",
        post=post if post in Post.values else "",
        backbone=backbone,
        status=status if status in Status.values or status == "" else Status.ACTIVE,
    )


@requires("members.view")
def member_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    scope = scope_for(request.user)
    branches = selectors.branches_for(request.user)
    return render(
        request,
        "members/member_list.html",
        {
            "members": selectors.roster(request.user, filters),
            "filters": filters,
            "branches": branches,
            "groups": list(
                Organisation.objects.visible_to(request.user, "members.view")
                .groups()
                .select_related("parent")
                .order_by("path")
            ),
            "stages": list(Stage),
            "posts": list(Post),
            "statuses": list(Status),
            "can_change": scope.has("members.change"),
            "can_import": scope.has("members.import"),
            "can_export": scope.has("members.export"),
            "query_string": request.GET.urlencode(),
        },
    )


@requires("members.export")
def member_export(request: HttpRequest) -> HttpResponse:
    members = selectors.roster(request.user, _filters(request)).filter(
        organisation__in=Organisation.objects.visible_to(request.user, "members.export")
    )
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    with_private = not members.exclude(
        organisation__in=Organisation.objects.visible_to(request.user, "members.view_private")
    ).exists()
    exporter = RosterExporter(members, with_private=with_private, day=timezone.localdate())
    return exporter.response(fmt)


@requires("members.view")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member, request.user, "members.view", pk=pk)
    scope = scope_for(request.user)
    branch = member.organisation
    rules = services.rules_for(branch)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "member": member,
        "show_private": scope.has_in("members.view_private", branch),
        "can_change": scope.has_in("members.change", branch) and member.is_active,
        "can_export_personal": scope.has_in("members.export_personal", branch),
        "timeline": selectors.member_timeline(member),
        "posts": list(member.posts.all()),
        "contacts": list(member.contacts.select_related("organisation")),
        "next_stage": Stage(Stage.next_of(member.stage)) if Stage.next_of(member.stage) else None,
        "due": selectors.due_for_member(
            member, rules, today, today.replace(year=today.year + 1), include_overdue=True
        ),
        "probation_end": services.probation_end(member, rules),
        "earliest_target": services.earliest_target_date(member, rules),
    }
    if context["show_private"]:
        context["history"] = selectors.member_history(member)
    return render(request, "members/member_detail.html", context)


@requires("members.change")
def member_create(request: HttpRequest) -> HttpResponse:
    branches = selectors.branches_for(request.user, "members.change")
    form = MemberForm(posted(request), branches=branches, editing=False)
    if request.method == "POST" and form.is_valid():
        created: list[Member] = []

        def create() -> None:
            created.append(
                services.create_member(
                    by=request.user, posts=form.cleaned_data["posts"], **form.service_fields()
                )
            )

        if _apply(form, create):
            messages.success(request, _("%(name)s was added.") % {"name": created[0].name})
            return redirect("member-detail", pk=created[0].pk)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@requires("members.change")
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member, request.user, "members.change", pk=pk)
    form = MemberForm(
        posted(request), instance=member, branches=[member.organisation], editing=True
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()

        def update() -> None:
            services.update_member(
                member=Member.objects.get(pk=member.pk),
                by=request.user,
                posts=form.cleaned_data["posts"],
                **fields,
            )

        if _apply(form, update):
            messages.success(request, _("Saved."))
            return redirect("member-detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


def _member_action(request: HttpRequest, pk: int, form_class, template_title, action):
    """The shared shape of the small pipeline/transfer/archive forms. `template_title` is
    a string or a function of the member."""
    member = get_visible_or_404(Member, request.user, "members.change", pk=pk)
    if callable(template_title):
        template_title = template_title(member)
    kwargs = {}
    if form_class is TransferForm:
        kwargs["branches"] = [
            b
            for b in selectors.branches_for(request.user, "members.change")
            if b.school_id == member.organisation.school_id and b.pk != member.organisation_id
        ]
    form = form_class(posted(request), **kwargs)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: action(member, form.cleaned_data))
    ):
        messages.success(request, _("Saved."))
        return redirect("member-detail", pk=member.pk)
    return render(
        request,
        "members/member_action.html",
        {"member": member, "form": form, "title": template_title},
    )


@requires("members.change")
def member_advance(request: HttpRequest, pk: int) -> HttpResponse:
    def title(member: Member) -> str:
        next_stage = Stage.next_of(member.stage)
        if next_stage is None:
            return _("No further stage")
        return _("Move to “%(stage)s”") % {"stage": Stage(next_stage).label}

    return _member_action(
        request,
        pk,
        AdvanceForm,
        title,
        lambda m, data: services.advance_stage(
            member=m, to_stage=Stage.next_of(m.stage) or "", by=request.user, **data
        ),
    )


@requires("members.change")
def member_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        ExtendForm,
        _("Extend the probation period"),
        lambda m, data: services.extend_probation(member=m, by=request.user, **data),
    )


@requires("members.change")
def member_record(request: HttpRequest, pk: int) -> HttpResponse:
    def record(member: Member, data: dict) -> None:
        if data["what"] == "talk":
            services.record_talk(member=member, date=data["date"], by=request.user)
        else:
            services.record_review(member=member, date=data["date"], by=request.user)

    return _member_action(request, pk, RecordForm, _("Record a talk or review"), record)


@requires("members.change")
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    def transfer(member: Member, data: dict) -> None:
        if data["kind"] == "within":
            services.transfer_within(
                member=member,
                to_branch=data["to_branch"],
                to_group=None,
                date=data["date"],
                reason=data["reason"],
                by=request.user,
            )
        else:
            services.transfer_out(
                member=member,
                date=data["date"],
                destination=data["destination"],
                reason=data["reason"],
                by=request.user,
            )

    return _member_action(request, pk, TransferForm, _("Transfer"), transfer)


@requires("members.change")
def member_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        ArchiveForm,
        _("Archive"),
        lambda m, data: services.archive_member(member=m, by=request.user, **data),
    )


@requires("members.change")
def member_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(Member, request.user, "members.change", pk=pk)
    candidates = (
        Member.objects.visible_to(request.user, "members.view")
        .active()
        .filter(stage__in=[Stage.PROBATIONARY, Stage.FULL])
        .exclude(pk=member.pk)
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )
    form = ContactsForm(
        posted(request),
        candidates=candidates,
        initial={"contacts": list(member.contacts.all())},
    )
    if request.method == "POST" and form.is_valid():
        contacts = form.cleaned_data["contacts"]
        if _apply(form, lambda: services.set_contacts(member=member, contacts=contacts)):
            messages.success(request, _("Saved."))
            return redirect("member-detail", pk=member.pk)
    return render(
        request,
        "members/member_action.html",
        {"member": member, "form": form, "title": _("Contacts (培养联系人)")},
    )


@requires("members.view")
def member_pipeline(request: HttpRequest) -> HttpResponse:
    return render(request, "members/pipeline.html", selectors.pipeline_board(request.user))


def _schools_for(user: Any, capability: str) -> list[Organisation]:
    school_ids = {
        org.school_id for org in Organisation.objects.visible_to(user, capability) if org.school_id
    }
    return list(Organisation.objects.filter(pk__in=school_ids).order_by("path"))


@requires("members.import")
def member_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        posted(request), posted_files(request), schools=_schools_for(request.user, "members.import")
    )
    return import_views.check_upload(
        request, form, IMPORT_KINDS["members"], lambda batch: _import_page(request, form, batch)
    )


@requires("members.import")
def member_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch, request.user, "members.import", pk=pk, kind="members")
    form = ImportForm(schools=_schools_for(request.user, "members.import"))
    return import_views.confirm(
        request, batch, IMPORT_KINDS["members"], lambda b: _import_page(request, form, b)
    )


def _import_page(request: HttpRequest, form: Form, batch: ImportBatch | None) -> HttpResponse:
    return render(
        request,
        "members/import.html",
        {"form": form, "columns": COLUMNS, "batch": batch, "import_kind": IMPORT_KINDS["members"]},
    )


@requires("members.manage_rules")
def pipeline_rules(request: HttpRequest) -> HttpResponse:
    schools = _schools_for(request.user, "members.manage_rules")
    school = next((s for s in schools if str(s.pk) == request.GET.get("school")), schools[0])
    rules = services.rules_for(school)
    form = RulesForm(posted(request), instance=rules)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        if _apply(
            form, lambda: services.save_rules(organisation=school, by=request.user, **values)
        ):
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    return render(
        request, "members/rules.html", {"form": form, "school": school, "schools": schools}
    )


def _personal_data_response(*, user: Any, member: Member | None, by: Any) -> HttpResponse:
    archive = privacy.export_zip(user=user, member=member)
    subject = member.name if member is not None else user.get_username()
    logger.info("personal data export of %s (member %s) by %s", subject,
                getattr(member, "pk", None), by.get_username())  # fmt: skip
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        _("Personal data of %(name)s %(date)s.zip")
        % {"name": subject, "date": timezone.localdate().isoformat()}
    )
    return response


@requires()
def my_personal_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in person, as a zip (her right to a copy)."""
    if request.method == "POST":
        member = Member.objects.filter(user=request.user).first()
        return _personal_data_response(user=request.user, member=member, by=request.user)
    return render(request, "members/personal_data.html", {"subject": None})


@requires("members.export_personal")
def member_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation admin's copy of everything held about one member (a request for
    access made through the organisation)."""
    member = get_visible_or_404(Member, request.user, "members.export_personal", pk=pk)
    if request.method == "POST":
        return _personal_data_response(user=member.user, member=member, by=request.user)
    return render(request, "members/personal_data.html", {"subject": member})
