"""Every write of the meetings app: plan, record, attendance, check-in, archive, files."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from branchwork.models import Organisation
from branchwork.reminders import request_sweep
from branchwork.uploads import stored_name, validate_upload
from meetings.models import (
    DEFAULT_RULES,
    Attachment,
    AttachmentKind,
    AttendanceRecord,
    AttendanceStatus,
    CalendarToken,
    Decision,
    Meeting,
    MeetingRule,
    MeetingStatus,
    SchoolTerms,
)
from meetings.richtext import clean_html
from members.models import Member, Status

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_KINDS = {
    AttachmentKind.PHOTO: ["image"],
    AttachmentKind.NOTICE: ["pdf", "document", "image"],
    AttachmentKind.MINUTES: ["pdf", "document", "image"],
    AttachmentKind.RESOLUTION: ["pdf", "document", "image"],
    AttachmentKind.SIGN_IN: ["pdf", "image", "document"],
}
# A QR code is shown for CHECKIN_TOKEN_SECONDS; the check-in page refreshes it well before.
CHECKIN_TOKEN_SECONDS = 120
# After scanning, the member has this much longer to press "check in" (or log in first).
CHECKIN_CONFIRM_GRACE_SECONDS = 300

EDITABLE_FIELDS = (
    "meeting_type",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "host",
    "recorder",
    "lecture_title",
    "lecturer",
    "topics",
    "minutes",
    "resolutions",
)
RICH_FIELDS = ("topics", "minutes", "resolutions")


def _guard(meeting: Meeting, correction_reason: str) -> str:
    """An archived record is locked: a change is a correction and needs its reason."""
    reason = (correction_reason or "").strip()
    if meeting.is_archived and not reason:
        raise ValidationError(
            _("This meeting is archived. A correction needs a reason."), code="archived"
        )
    return reason if meeting.is_archived else ""


def _note_correction(meeting: Meeting, reason: str) -> None:
    """Write a history entry of the meeting carrying the correction's reason."""
    if reason:
        meeting._change_reason = reason
        meeting.save()


# ------------------------------------------------------------------------ rules


def ensure_default_rules(*, school: Organisation) -> list[MeetingRule]:
    """Store the DOMAIN.md defaults for every type the school has not configured yet."""
    if not school.is_school:
        raise ValidationError(_("Meeting rules are set for the whole school."))
    existing = {r.meeting_type: r for r in MeetingRule.objects.filter(organisation=school)}
    for meeting_type, (frequency, times, quorum) in DEFAULT_RULES.items():
        if meeting_type not in existing:
            rule = MeetingRule(
                organisation=school,
                meeting_type=meeting_type,
                frequency=frequency,
                times=times,
                quorum=quorum,
            )
            rule.full_clean()
            rule.save()
            existing[meeting_type] = rule
    SchoolTerms.objects.get_or_create(organisation=school)
    return [existing[t] for t in DEFAULT_RULES]


@transaction.atomic
def update_rules(
    *,
    school: Organisation,
    rules: dict[str, dict[str, Any]],
    spring_starts_month: int,
    autumn_starts_month: int,
) -> None:
    """Set each type's frequency, times per period and quorum, and the term boundaries."""
    ensure_default_rules(school=school)
    for rule in MeetingRule.objects.filter(organisation=school).select_for_update():
        values = rules.get(rule.meeting_type)
        if not values:
            continue
        rule.frequency = values["frequency"]
        rule.times = values["times"]
        rule.quorum = values["quorum"]
        rule.full_clean()
        rule.save()
    terms = SchoolTerms.objects.get(organisation=school)
    terms.spring_starts_month = spring_starts_month
    terms.autumn_starts_month = autumn_starts_month
    terms.full_clean()
    terms.save()


# --------------------------------------------------------------------- meetings


def default_attendees(organisation: Organisation) -> list[Member]:
    """Who is expected by default: the branch's active members, or the group's."""
    members = Member.objects.filter(status=Status.ACTIVE)
    if organisation.kind == Organisation.Kind.BRANCH:
        return list(members.filter(organisation=organisation))
    if organisation.kind == Organisation.Kind.GROUP:
        return list(members.filter(group=organisation))
    return []


@transaction.atomic
def plan_meeting(
    *,
    organisation: Organisation,
    meeting_type: str,
    title: str,
    starts_at: datetime.datetime,
    by: Any,
    ends_at: datetime.datetime | None = None,
    place: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    lecture_title: str = "",
    lecturer: str = "",
    topics: str = "",
    attendees: Iterable[Member] | None = None,
) -> Meeting:
    """A planned meeting, with the organisation's members expected unless told otherwise."""
    meeting = Meeting(
        organisation=organisation,
        meeting_type=meeting_type,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        host=host,
        recorder=recorder,
        lecture_title=lecture_title.strip(),
        lecturer=lecturer.strip(),
        topics=clean_html(topics),
        created_by=by if getattr(by, "pk", None) else None,
    )
    meeting.full_clean()
    meeting.save()
    people = default_attendees(organisation) if attendees is None else list(attendees)
    bulk_create_with_history(
        [AttendanceRecord(meeting=meeting, member=m) for m in people], AttendanceRecord
    )
    # A meeting soon needs its notice now, not at the next beat: ask for a sweep after
    # commit. If the broker is down the request still succeeds; beat's sweep sends it later.
    request_sweep()
    return meeting


@transaction.atomic
def update_meeting(
    *, meeting: Meeting, by: Any, correction_reason: str = "", **changes: Any
) -> Meeting:
    """Edit the record (a correction with a reason once archived); rich text sanitised."""
    reason = _guard(meeting, correction_reason)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in changes.items():
        if name in RICH_FIELDS:
            value = clean_html(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(meeting, name, value)
    meeting.full_clean()
    if reason:
        meeting._change_reason = reason
    meeting.save()
    return meeting


def record_held(*, meeting: Meeting, by: Any) -> Meeting:
    """planned → held: only once the minutes are recorded and attendance is marked."""
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be marked as held."))
    if not meeting.minutes.strip():
        raise ValidationError(_("Record the minutes before marking the meeting as held."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting cannot be held before it starts."))
    if meeting.attendance.filter(status=AttendanceStatus.PENDING, member__isnull=False).exists():
        raise ValidationError(_("Mark everyone's attendance before marking the meeting as held."))
    meeting.status = MeetingStatus.HELD
    meeting.full_clean()
    meeting.save()
    return meeting


def archive_meeting(*, meeting: Meeting, by: Any) -> Meeting:
    """held → archived: the record is locked; later changes are corrections with a reason."""
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Only a held meeting can be archived."))
    meeting.status = MeetingStatus.ARCHIVED
    meeting.save()
    return meeting


@transaction.atomic
def delete_meeting(*, meeting: Meeting, by: Any) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be deleted; a held one is a record."))
    meeting.delete()


# ------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceChange:
    record_id: int
    status: str
    reason: str = ""
    remove: bool = False


@transaction.atomic
def set_attendance(
    *,
    meeting: Meeting,
    changes: Iterable[AttendanceChange],
    by: Any,
    add_members: Iterable[Member] = (),
    add_guests: Iterable[str] = (),
    correction_reason: str = "",
) -> None:
    """Mark attendance (present / leave / absent with a reason), add or remove attendees."""
    reason = _guard(meeting, correction_reason)
    records = {r.id: r for r in meeting.attendance.select_for_update()}
    for change in changes:
        record = records.get(change.record_id)
        if record is None:
            raise ValidationError(_("That attendee is not on this meeting's list."))
        if change.remove:
            record.delete()
            continue
        AttendanceStatus(change.status)
        text = change.reason.strip()
        if change.status == AttendanceStatus.LEAVE and not text:
            # 请假 is excused only with its reason; an absence may be unexplained.
            raise ValidationError(
                _("%(name)s is on leave: give the reason.") % {"name": record.display_name}
            )
        if (record.status, record.reason) == (change.status, text):
            continue
        record.status = change.status
        record.reason = text if change.status != AttendanceStatus.PRESENT else ""
        if reason:
            record._change_reason = reason
        record.full_clean()
        record.save()
    listed = {r.member_id for r in records.values() if r.member_id}
    for member in add_members:
        if member.id in listed:
            continue
        if member.organisation.school_id != meeting.organisation.school_id:
            raise ValidationError(_("Only members of this school can be added."))
        AttendanceRecord(meeting=meeting, member=member).save()
    for name in add_guests:
        guest = AttendanceRecord(meeting=meeting, guest_name=name.strip())
        guest.full_clean()
        guest.save()
    _note_correction(meeting, reason)


# --------------------------------------------------------------------- check-in


def _signer(meeting: Meeting) -> signing.TimestampSigner:
    # The per-meeting secret in the salt: a token of meeting X cannot verify for Y.
    return signing.TimestampSigner(salt=f"meetings.checkin:{meeting.checkin_secret}")


def checkin_token(meeting: Meeting) -> str:
    """A fresh, short-lived token for the meeting's check-in QR code."""
    return _signer(meeting).sign(str(meeting.pk))


class CheckinRefused(Exception):
    """Why a scan did not check anyone in (the message is translated, for the member)."""


NOT_ON_THE_LIST = gettext_lazy("You are not on this meeting's list of attendees.")


def verify_checkin_token(*, meeting: Meeting, token: str, max_age: int) -> None:
    try:
        value = _signer(meeting).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise CheckinRefused(
            _("This QR code has expired. Scan the code on the screen again.")
        ) from None
    except signing.BadSignature:
        raise CheckinRefused(_("This QR code is not for this meeting.")) from None
    if value != str(meeting.pk):
        raise CheckinRefused(_("This QR code is not for this meeting."))


def verify_scan(*, meeting: Meeting, user: Any, token: str, max_age: int) -> None:
    """What the page a scanned code opens checks before offering to check in: a valid
    code, and the user on the list (so nobody is invited to confirm and then refused)."""
    verify_checkin_token(meeting=meeting, token=token, max_age=max_age)
    if not AttendanceRecord.objects.filter(meeting=meeting, member__user=user).exists():
        raise CheckinRefused(str(NOT_ON_THE_LIST))


@transaction.atomic
def check_in(*, meeting: Meeting, user: Any, token: str, max_age: int) -> AttendanceRecord:
    """Mark the signed-in user's own member present, if they are an expected attendee."""
    verify_checkin_token(meeting=meeting, token=token, max_age=max_age)
    if meeting.is_archived:
        raise CheckinRefused(_("This meeting is archived; check-in is closed."))
    record = (
        AttendanceRecord.objects.select_for_update()
        .filter(meeting=meeting, member__user=user)
        .first()
    )
    if record is None:
        raise CheckinRefused(str(NOT_ON_THE_LIST))
    if record.status != AttendanceStatus.PRESENT:
        record.status = AttendanceStatus.PRESENT
        record.reason = ""
        record.checked_in_at = timezone.now()
        record.full_clean()
        record.save()
    return record


# -------------------------------------------------------------------- decisions


def add_decision(
    *, meeting: Meeting, text: str, category: str, by: Any, correction_reason: str = ""
) -> Decision:
    reason = _guard(meeting, correction_reason)
    decision = Decision(meeting=meeting, text=text.strip(), category=category)
    decision.full_clean()
    decision.save()
    _note_correction(meeting, reason)
    return decision


def delete_decision(*, decision: Decision, by: Any, correction_reason: str = "") -> None:
    reason = _guard(decision.meeting, correction_reason)
    meeting = decision.meeting
    decision.delete()
    _note_correction(meeting, reason)


# ------------------------------------------------------------------ attachments


def add_attachment(
    *, meeting: Meeting, kind: str, upload: UploadedFile, by: Any, correction_reason: str = ""
) -> Attachment:
    reason = _guard(meeting, correction_reason)
    AttachmentKind(kind)
    detected = validate_upload(upload, kinds=ATTACHMENT_KINDS[kind], max_bytes=ATTACHMENT_MAX_BYTES)
    attachment = Attachment(
        meeting=meeting,
        kind=kind,
        original_name=(upload.name or "file")[:255],
        content_type=detected.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(stored_name(detected), upload, save=False)
    attachment.full_clean()
    attachment.save()
    _note_correction(meeting, reason)
    return attachment


# --------------------------------------------------------------------- calendar


@transaction.atomic
def issue_calendar_token(*, user: Any) -> CalendarToken:
    """A new secret calendar URL; the previous one stops working at once."""
    revoke_calendar_token(user=user)
    token = CalendarToken(user=user, token=secrets.token_urlsafe(32))
    token.full_clean()
    token.save()
    return token


def revoke_calendar_token(*, user: Any) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
