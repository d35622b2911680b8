"""Access matrix entries for the meetings app's views (all objects in school A, branch A1)."""

from django.core.files.base import ContentFile

from meetings import services
from meetings.models import Attachment, AttendanceRecord
from tests.matrix import PERSONAS, Entry, table
from tests.meetings.factories import DecisionFactory, MeetingFactory

MEMBERS_403 = {"member_a": 403, "teacher_a": 403, "principal_a": 403}
CHANGE = table(secretary_a2=404, secretary_b=404, **MEMBERS_403)
CHANGE_REDIRECT = table(302, secretary_a2=404, secretary_b=404, **MEMBERS_403)
VIEW = table(secretary_a2=404, secretary_b=404, principal_a=403)


def meeting(w):
    return [MeetingFactory(organisation=w.branch_a1, status="planned", minutes="").pk]


def scan_args(w):
    m = MeetingFactory(organisation=w.branch_a1)
    AttendanceRecord.objects.create(meeting=m, member=w.member_a.member, status="pending")
    return [m.pk, services.checkin_token(m)]


def archived_decision(w):
    return [DecisionFactory(meeting=MeetingFactory(organisation=w.branch_a1, status="archived")).pk]


def attachment(w):
    a = Attachment(
        meeting=MeetingFactory(organisation=w.branch_a1),
        kind="notice",
        original_name="通知.pdf",
        content_type="application/pdf",
    )
    a.file.save("upload.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    a.save()
    return [a.pk]


MATRIX = {
    "meeting-list": Entry(table(principal_a=403)),
    "meeting-create": Entry(
        table(**MEMBERS_403), post={"title": ""}, post_expected=table(**MEMBERS_403)
    ),
    "meeting-detail": Entry(VIEW, args=meeting),
    "meeting-edit": Entry(CHANGE, args=meeting, post={"title": ""}, post_expected=CHANGE),
    "meeting-status": Entry(
        CHANGE_REDIRECT, args=meeting, post={"action": "held"}, post_expected=CHANGE_REDIRECT
    ),
    "meeting-attendance": Entry(CHANGE, args=meeting, post={}, post_expected=CHANGE_REDIRECT),
    "meeting-checkin": Entry(CHANGE, args=meeting),
    "meeting-checkin-qr": Entry(CHANGE, args=meeting),
    # Only member_a is on the list: the others' scans are refused (400) on opening the
    # link and on confirming, none is a 500.
    "meeting-scan": Entry(
        table(400, member_a=200, secretary_a2=404, secretary_b=404, principal_a=403),
        args=scan_args,
        post={},
        post_expected=table(400, member_a=200, secretary_a2=404, secretary_b=404, principal_a=403),
    ),
    "meeting-decision-add": Entry(
        CHANGE_REDIRECT, args=meeting, post={"text": "决议"}, post_expected=CHANGE_REDIRECT
    ),
    # The decision's meeting is archived: removing it without a reason is refused.
    "meeting-decision-delete": Entry(
        CHANGE_REDIRECT, args=archived_decision, post={}, post_expected=CHANGE_REDIRECT
    ),
    "meeting-attachment-add": Entry(
        CHANGE_REDIRECT, args=meeting, post={"kind": "notice"}, post_expected=CHANGE_REDIRECT
    ),
    "meeting-attachment": Entry(VIEW, args=attachment),
    "meeting-print": Entry(VIEW, args=meeting),
    "meeting-decisions": Entry(table(principal_a=403)),
    "meeting-compliance": Entry(table(member_a=403, teacher_a=403)),
    "meeting-ledger": Entry(table(**MEMBERS_403)),
    "meeting-calendar": Entry(table(principal_a=403)),
    "meeting-calendar-subscription": Entry(
        table(principal_a=403),
        post={"action": "regenerate"},
        post_expected=table(302, principal_a=403),
    ),
    # Public (the token is the credential): an unknown token is a 404 for everyone.
    "meeting-calendar-feed": Entry(dict.fromkeys(PERSONAS, 404), args=lambda w: ["no-such-token"]),
    "meeting-rules": Entry(
        table(403, admin_a=200),
        post={"spring_starts_month": "9", "autumn_starts_month": "2"},
        post_expected=table(403, admin_a=200),
    ),
}
