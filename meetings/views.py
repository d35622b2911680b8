"""Meeting pages: thin views over services and selectors, every object fetched by scope."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from branchwork.access import get_visible_or_404, requires, scope_for
from branchwork.http import posted
from branchwork.models import Organisation
from branchwork.uploads import file_response
from meetings import selectors, services
from meetings.exports import LedgerExporter
from meetings.feeds import calendar_feed
from meetings.forms import (
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    MeetingForm,
    RulesForm,
)
from meetings.models import (
    Attachment,
    AttendanceStatus,
    CalendarToken,
    Decision,
    Meeting,
    MeetingType,
)


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@requires("meetings.view")
def meeting_list(request: HttpRequest) -> HttpResponse:
    meeting_type = request.GET.get("type", "")
    if meeting_type not in MeetingType.values:
        meeting_type = ""
    year = _year(request, 0) or None
    meetings = selectors.meeting_list(request.user, meeting_type=meeting_type, year=year)
    # 50 a page: five years of a branch's meetings are ~300 rows, and rendering the rows
    # was most of this page's time (docs/performance.md).
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": page.object_list,
            "page": page,
            "filters": urlencode({"type": meeting_type, "year": year or ""}),
            "types": MeetingType.choices,
            "meeting_type": meeting_type,
            "year": year,
            "can_plan": scope_for(request.user).has("meetings.change"),
        },
    )


@requires("meetings.change")
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.plan_meeting(by=request.user, **data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@requires("meetings.view")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Meeting.objects.visible_to(request.user, "meetings.view")
    meeting = get_object_or_404(selectors.meeting_with_related(visible, pk))
    records = list(meeting.attendance.all())
    me = next((r for r in records if r.member and r.member.user_id == request.user.pk), None)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "records": records,
            "counts": selectors.attendance_counts(meeting, records),
            "my_record": me,
            "can_change": selectors.can_change(request.user, meeting),
            "corrections": selectors.corrections(meeting),
            # Two forms on one page: their own id prefixes, so no two fields share an id
            # (both have a correction_reason) and every <label for> finds its field.
            "decision_form": DecisionForm(auto_id="id_decision_%s"),
            "attachment_form": AttachmentForm(auto_id="id_attachment_%s"),
        },
    )


@requires("meetings.change")
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    initial = {
        name: getattr(meeting, name)
        for name in services.EDITABLE_FIELDS
        if name not in ("starts_at", "ends_at")
    }
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    initial["ends_at"] = meeting.ends_at and timezone.localtime(meeting.ends_at)
    form = MeetingForm(posted(request), user=request.user, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("correction_reason", "")
        try:
            services.update_meeting(
                meeting=meeting, by=request.user, correction_reason=reason, **data
            )
        except ValidationError as error:
            meeting.refresh_from_db()
            _errors(request, error)
        else:
            messages.success(request, _("The meeting record is saved."))
            return redirect("meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@requires("meetings.change")
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "held":
                services.record_held(meeting=meeting, by=request.user)
                messages.success(request, _("The meeting is recorded as held."))
            elif action == "archive":
                services.archive_meeting(meeting=meeting, by=request.user)
                messages.success(request, _("The meeting record is archived and locked."))
            elif action == "delete":
                services.delete_meeting(meeting=meeting, by=request.user)
                messages.success(request, _("The planned meeting is deleted."))
                return redirect("meeting-list")
        except ValidationError as error:
            _errors(request, error)
    return redirect("meeting-detail", pk=meeting.pk)


@requires("meetings.change")
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    records = list(
        meeting.attendance.select_related("member").order_by("member__name", "guest_name", "id")
    )
    form = AttendanceForm(posted(request), meeting=meeting, records=records, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def chosen(record_id: int) -> str:
            status = data[f"status-{record_id}"]
            if status == AttendanceStatus.PENDING and data["rest_present"]:
                return AttendanceStatus.PRESENT
            return status

        changes = [
            services.AttendanceChange(
                record_id=r.id,
                status=chosen(r.id),
                reason=data[f"reason-{r.id}"],
                remove=data[f"remove-{r.id}"],
            )
            for r in records
        ]
        try:
            services.set_attendance(
                meeting=meeting,
                changes=changes,
                by=request.user,
                add_members=[data["add_member"]] if data["add_member"] else [],
                add_guests=[data["add_guest"]] if data["add_guest"].strip() else [],
                correction_reason=data.get("correction_reason", ""),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Attendance is saved."))
            return redirect("meeting-detail", pk=meeting.pk)
    return render(request, "meetings/meeting_attendance.html", {"meeting": meeting, "form": form})


def _qr_context(request: HttpRequest, meeting: Meeting) -> dict:
    token = services.checkin_token(meeting)
    url = request.build_absolute_uri(reverse("meeting-scan", args=[meeting.pk, token]))
    present = meeting.attendance.filter(status="present", member__isnull=False).count()
    expected = meeting.attendance.filter(member__isnull=False).count()
    return {
        "meeting": meeting,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=6, dark="#1f2328"),
        "scan_url": url,
        "present": present,
        "expected": expected,
        "refresh_seconds": services.CHECKIN_TOKEN_SECONDS // 4,
    }


@requires("meetings.change")
@never_cache
def meeting_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary's screen: a QR code that rotates while people scan it."""
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    if meeting.is_archived:
        raise Http404
    return render(request, "meetings/meeting_checkin.html", _qr_context(request, meeting))


@requires("meetings.change")
@never_cache
def meeting_checkin_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR block alone, fetched again by htmx every few seconds."""
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    if meeting.is_archived:
        raise Http404
    return render(request, "meetings/partials/checkin_qr.html", _qr_context(request, meeting))


@requires("meetings.view")
@never_cache
def meeting_scan(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Where a scanned QR code leads: confirm, and the signed-in member is marked present."""
    meeting = get_visible_or_404(Meeting, request.user, "meetings.view", pk=pk)
    context = {"meeting": meeting, "token": token, "error": "", "record": None}
    try:
        if request.method == "POST":
            context["record"] = services.check_in(
                meeting=meeting,
                user=request.user,
                token=token,
                max_age=services.CHECKIN_TOKEN_SECONDS + services.CHECKIN_CONFIRM_GRACE_SECONDS,
            )
        else:
            services.verify_scan(
                meeting=meeting, user=request.user, token=token,
                max_age=services.CHECKIN_TOKEN_SECONDS,
            )  # fmt: skip
    except services.CheckinRefused as refused:
        context["error"] = str(refused)
    return render(
        request, "meetings/meeting_scan.html", context, status=400 if context["error"] else 200
    )


@requires("meetings.change")
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.add_decision(meeting=meeting, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("The decision is added."))
        else:
            messages.error(request, _("Write the decision."))
    return redirect("meeting-detail", pk=meeting.pk)


@requires("meetings.change")
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_visible_or_404(Decision, request.user, "meetings.change", pk=pk)
    if request.method == "POST":
        try:
            services.delete_decision(
                decision=decision,
                by=request.user,
                correction_reason=request.POST.get("correction_reason", "")[:200],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The decision is removed."))
    return redirect("meeting-detail", pk=decision.meeting_id)


@requires("meetings.change")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(Meeting, request.user, "meetings.change", pk=pk)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = form.cleaned_data
                services.add_attachment(
                    meeting=meeting,
                    kind=data["kind"],
                    upload=data["file"],
                    by=request.user,
                    correction_reason=data["correction_reason"],
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, _("The file is attached."))
        else:
            messages.error(request, _("Choose a kind and a file."))
    return redirect("meeting-detail", pk=meeting.pk)


@requires("meetings.view")
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_visible_or_404(Attachment, request.user, "meetings.view", pk=pk)
    streamed = file_response(
        attachment.file,
        download_name=attachment.original_name,
        content_type=attachment.content_type,
    )
    # Attachments are at most 10 MB: sent whole, the file is closed before the view returns,
    # even for a client that never reads the body (a streamed file stays open until read).
    body = b"".join(streamed.streaming_content)
    attachment.file.close()  # not streamed.close(): that would signal request_finished
    response = HttpResponse(body, content_type=streamed["Content-Type"])
    for header in ("Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy"):
        response[header] = streamed[header]
    return response


@requires("meetings.view")
def meeting_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable meeting record (会议记录) for the paper archive."""
    visible = Meeting.objects.visible_to(request.user, "meetings.view")
    meeting = get_object_or_404(selectors.meeting_with_related(visible, pk))
    records = list(meeting.attendance.all())
    return render(
        request,
        "meetings/meeting_print.html",
        {
            "meeting": meeting,
            "records": records,
            "counts": selectors.attendance_counts(meeting, records),
            "printed_at": timezone.localtime(),
        },
    )


@requires("meetings.view")
def decision_register(request: HttpRequest) -> HttpResponse:
    year = _year(request, 0) or None
    return render(
        request,
        "meetings/decision_register.html",
        {"decisions": selectors.decisions_register(request.user, year=year), "year": year},
    )


@requires("meetings.compliance")
def compliance(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request, today.year)
    choices = list(selectors.compliance_organisations(request.user))
    if not choices:
        raise Http404
    try:
        chosen = int(request.GET.get("org", 0))
    except ValueError:
        chosen = 0
    organisation = next((o for o in choices if o.id == chosen), choices[0])
    # A school shows branches and periods; one branch adds each meeting and, for those who
    # run the branch (not viewers), each member's attendance.
    per_meeting = organisation.kind == Organisation.Kind.BRANCH
    with_members = per_meeting and scope_for(request.user).has_in("meetings.change", organisation)
    report = selectors.compliance(
        organisation=organisation, year=year, today=today, with_members=with_members
    )
    return render(
        request,
        "meetings/compliance.html",
        {
            "report": report,
            "organisations": choices,
            "organisation": organisation,
            "year": year,
            "years": range(today.year - 4, today.year + 2),
            "with_members": with_members,
            "per_meeting": per_meeting,
            "can_configure": scope_for(request.user).has("meetings.configure"),
            "can_view_meetings": scope_for(request.user).has_in("meetings.view", organisation),
        },
    )


@requires("meetings.change")
def ledger_export(request: HttpRequest) -> HttpResponse:
    """三会一课台账: one row per meeting of the year with its counts and absentees."""
    year = _year(request, timezone.localdate().year)
    return LedgerExporter(user=request.user, year=year).response("xlsx")


@requires("meetings.view")
def calendar_month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        first = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    if not 2000 <= first.year <= 2100:
        first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/calendar.html",
        {
            "month": first,
            "weeks": selectors.month_grid(
                request.user, year=first.year, month=first.month, today=today
            ),
            "previous": previous,
            "following": following,
        },
    )


@requires("meetings.view")
def calendar_subscription(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_calendar_token(user=request.user)
            messages.success(request, _("Your calendar link is switched off."))
        else:
            services.issue_calendar_token(user=request.user)
            messages.success(request, _("A new calendar link is ready; the old one stops working."))
        return redirect("meeting-calendar-subscription")
    token = CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    feed_url = (
        request.build_absolute_uri(reverse("meeting-calendar-feed", args=[token.token]))
        if token
        else ""
    )
    return render(
        request, "meetings/calendar_subscription.html", {"token": token, "feed_url": feed_url}
    )


# Public on purpose: phone calendars cannot log in. The secret token in the URL is the
# credential; a revoked or unknown token is a 404, and so is a deactivated account.
@requires(public=True)
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    row = get_object_or_404(
        CalendarToken.objects.select_related("user"), token=token, revoked_at__isnull=True
    )
    if not row.user.is_active:
        raise Http404
    body = calendar_feed(row.user, today=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@requires("meetings.configure")
def rules(request: HttpRequest) -> HttpResponse:
    """Frequencies, times per period and quorum per meeting type, and the term dates."""
    schools = list(
        Organisation.objects.visible_to(request.user, "meetings.configure")
        .schools()
        .order_by("path")
    )
    if not schools:
        raise Http404
    try:
        chosen = int(request.GET.get("org", 0))
    except ValueError:
        chosen = 0
    school = next((s for s in schools if s.id == chosen), schools[0])
    terms = selectors.terms_for(school.id)
    form = RulesForm(
        posted(request),
        rules=selectors.rules_for(school.id),
        initial={
            "spring_starts_month": terms.spring_starts_month,
            "autumn_starts_month": terms.autumn_starts_month,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_rules(
            school=school,
            rules=form.rules(),
            spring_starts_month=form.cleaned_data["spring_starts_month"],
            autumn_starts_month=form.cleaned_data["autumn_starts_month"],
        )
        messages.success(request, _("The meeting rules are saved."))
        return redirect(f"{reverse('meeting-rules')}?org={school.id}")
    return render(
        request, "meetings/rules.html", {"form": form, "school": school, "schools": schools}
    )
