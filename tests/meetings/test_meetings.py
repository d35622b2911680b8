"""Meeting records: planning, minutes, attendance, lifecycle, sanitising, files, ledger."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from meetings import services
from meetings.models import AttendanceRecord, Meeting, MeetingStatus, MeetingType
from tests.factories import MemberFactory
from tests.meetings.factories import AttendanceFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_secretary_plans_a_meeting_and_the_branch_is_expected(world, login):
    MemberFactory.create_batch(3, organisation=world.branch_a1)
    MemberFactory(organisation=world.branch_a2, name="别的支部")
    client = login(world, "secretary_a")
    response = client.post(
        reverse("meeting-create"),
        {
            "organisation": world.branch_a1.pk,
            "meeting_type": MeetingType.GENERAL,
            "title": "第二季度支部党员大会",
            "starts_at": "2026-05-20T15:00",
            "place": "会议室",
            "topics": "一、讨论接收预备党员\n二、通报党费收缴",
        },
    )
    meeting = Meeting.objects.get(title="第二季度支部党员大会")
    assert response.status_code == 302
    # 3 new members + member_a, teacher_a, secretary_a of the fixture.
    assert meeting.attendance.count() == 6
    assert not meeting.attendance.filter(member__organisation=world.branch_a2).exists()
    assert meeting.topics.startswith("<p>一、讨论接收预备党员<br>")


def test_bad_input_is_refused_with_a_translated_message(world, login):
    client = login(world, "secretary_a")
    page = text(
        client.post(
            reverse("meeting-create"),
            {
                "organisation": world.branch_a1.pk,
                "meeting_type": MeetingType.LECTURE,
                "title": "党课",
                "starts_at": "2026-05-20T15:00",
            },
        )
    )
    assert "党课需要填写题目" in page
    assert not Meeting.objects.exists()
    page = text(client.post(reverse("meeting-create"), {"organisation": world.branch_b1.pk}))
    assert "选择一个有效的选项" in page


def test_teacher_sees_the_meeting_but_cannot_edit_minutes(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1, minutes="<p>原纪要</p>")
    client = login(world, "teacher_a")
    page = text(client.get(reverse("meeting-detail", args=[meeting.pk])))
    assert "原纪要" in page
    assert reverse("meeting-edit", args=[meeting.pk]) not in page
    assert client.get(reverse("meeting-edit", args=[meeting.pk])).status_code == 403
    assert (
        client.post(reverse("meeting-edit", args=[meeting.pk]), {"minutes": "改"}).status_code
        == 403
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>原纪要</p>"


def test_another_schools_meeting_is_404(world, login):
    meeting = MeetingFactory(organisation=world.branch_b1)
    client = login(world, "secretary_a")
    for name in ("meeting-detail", "meeting-edit", "meeting-print", "meeting-checkin"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert meeting.title not in text(client.get(reverse("meeting-list")))


def test_stored_script_is_never_stored_nor_rendered(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    services.update_meeting(
        meeting=meeting,
        by=world.secretary_a,
        minutes='<p onclick="steal()">纪要</p><script>alert(1)</script>'
        '<a href="javascript:x()">链接</a>',
    )
    meeting.refresh_from_db()
    assert "<script" not in meeting.minutes and "onclick" not in meeting.minutes
    assert "javascript:" not in meeting.minutes and "纪要" in meeting.minutes
    # Written around the service: still not rendered.
    Meeting.objects.filter(pk=meeting.pk).update(topics="<script>alert(2)</script><b>议题</b>")
    page = text(login(world, "teacher_a").get(reverse("meeting-detail", args=[meeting.pk])))
    assert "alert(2)" not in page and "<b>议题</b>" in page


def test_counts_are_computed_and_quorum_warns(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1, meeting_type=MeetingType.COMMITTEE)
    for status in ("present", "present", "leave", "absent", "absent"):
        AttendanceFactory(
            meeting=meeting,
            member=MemberFactory(organisation=world.branch_a1),
            status=status,
            reason="外出培训" if status == "leave" else "",
        )
    page = text(login(world, "secretary_a").get(reverse("meeting-detail", args=[meeting.pk])))
    assert "应到 5 人，实到 2 人，请假 1 人，缺席 2 人" in page
    assert "未达到法定人数" in page and "外出培训" in page


def test_attendance_form_marks_leave_with_reason_and_adds_a_guest(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    record = AttendanceFactory(meeting=meeting, member=world.teacher_a.member, status="pending")
    client = login(world, "secretary_a")
    url = reverse("meeting-attendance", args=[meeting.pk])
    page = text(client.post(url, {f"status-{record.pk}": "leave", f"reason-{record.pk}": ""}))
    assert "请假：请填写原因" in page
    record.refresh_from_db()
    assert record.status == "pending"
    client.post(
        url,
        {f"status-{record.pk}": "leave", f"reason-{record.pk}": "病假", "add_guest": "列席校长"},
    )
    record.refresh_from_db()
    assert (record.status, record.reason) == ("leave", "病假")
    assert meeting.attendance.filter(guest_name="列席校长").exists()


def test_lifecycle_and_archive_lock_with_history(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    AttendanceFactory(meeting=meeting, member=world.member_a.member, status="pending")
    with pytest.raises(ValidationError):
        services.record_held(meeting=meeting, by=world.secretary_a)  # no minutes
    services.update_meeting(meeting=meeting, by=world.secretary_a, minutes="纪要")
    with pytest.raises(ValidationError):
        services.record_held(meeting=meeting, by=world.secretary_a)  # attendance unmarked
    meeting.attendance.update(status="present")
    services.record_held(meeting=meeting, by=world.secretary_a)
    services.archive_meeting(meeting=meeting, by=world.secretary_a)

    client = login(world, "secretary_a")
    url = reverse("meeting-edit", args=[meeting.pk])
    data = {
        "meeting_type": meeting.meeting_type,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "改过的纪要",
    }
    page = text(client.post(url, data))
    assert "这个字段是必填项" in page  # the reason
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>纪要</p>"
    client.post(url, {**data, "correction_reason": "更正笔误"})
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>改过的纪要</p>" and meeting.status == MeetingStatus.ARCHIVED
    latest = meeting.history.first()
    assert latest.history_change_reason == "更正笔误" and latest.history_user == world.secretary_a
    assert meeting.history.filter(minutes="<p>纪要</p>").exists()
    page = text(client.get(reverse("meeting-detail", args=[meeting.pk])))
    assert "更正笔误" in page
    with pytest.raises(ValidationError):
        services.add_decision(meeting=meeting, text="新决议", category="", by=world.secretary_a)


def test_attachments_refused_by_content_and_size_and_served_to_the_branch(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1)
    client = login(world, "secretary_a")
    url = reverse("meeting-attachment-add", args=[meeting.pk])
    fake = SimpleUploadedFile("photo.png", b"<html><script>x</script></html>")
    page = text(client.post(url, {"kind": "photo", "file": fake}, follow=True))
    assert "文件内容不是" in page
    big = SimpleUploadedFile("big.png", png() + b"\0" * (services.ATTACHMENT_MAX_BYTES + 1))
    page = text(client.post(url, {"kind": "photo", "file": big}, follow=True))
    assert "最多只能上传" in page
    assert not meeting.attachments.exists()
    client.post(url, {"kind": "photo", "file": SimpleUploadedFile("现场.png", png())})
    attachment = meeting.attachments.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "现场.png"
    download = reverse("meeting-attachment", args=[attachment.pk])
    response = login(world, "teacher_a").get(download)
    assert response.status_code == 200 and response.content == png()
    assert login(world, "secretary_a2").get(download).status_code == 404


def test_decision_register_lists_major_decisions_across_meetings(world, login):
    DecisionFactory(meeting=MeetingFactory(organisation=world.branch_a1), text="操场改造项目")
    DecisionFactory(
        meeting=MeetingFactory(organisation=world.branch_a1), text="普通决议", category=""
    )
    DecisionFactory(meeting=MeetingFactory(organisation=world.branch_b1), text="乙校大额采购")
    page = text(login(world, "secretary_a").get(reverse("meeting-decisions")))
    assert "操场改造项目" in page and "重大项目" in page
    assert "普通决议" not in page and "乙校大额采购" not in page


def test_ledger_export_has_counts_and_absentees(world, login):
    meeting = MeetingFactory(
        organisation=world.branch_a1,
        title="三月主题党日",
        starts_at=timezone.now().replace(month=3, day=10),
    )
    AttendanceFactory(meeting=meeting, member=MemberFactory(organisation=world.branch_a1))
    AttendanceFactory(
        meeting=meeting,
        member=MemberFactory(organisation=world.branch_a1, name="李请假"),
        status="leave",
        reason="病假",
    )
    MeetingFactory(organisation=world.branch_b1, title="乙校会议")
    response = login(world, "secretary_a").get(reverse("meeting-ledger"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "日期"
    row = next(r for r in rows if r[3] == "三月主题党日")
    assert row[7:11] == (2, 1, 1, 0)
    assert "李请假（请假：病假）" in row[11]
    assert not any(r[3] == "乙校会议" for r in rows)


def test_print_page_is_the_full_record(world, login):
    meeting = MeetingFactory(
        organisation=world.branch_a1,
        meeting_type=MeetingType.LECTURE,
        lecture_title="党史",
        lecturer="王书记",
    )
    page = text(login(world, "teacher_a").get(reverse("meeting-print", args=[meeting.pk])))
    assert "会议记录" in page and "党史" in page and "王书记" in page and "css/print" in page


@pytest.mark.parametrize("persona", ["secretary_a", "admin_a"])
def test_list_query_count_does_not_grow(persona, world, login):
    client = login(world, persona)
    url = reverse("meeting-list")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    MeetingFactory.create_batch(5, organisation=world.branch_a1)
    few = count()
    MeetingFactory.create_batch(45, organisation=world.branch_a1)
    many = count()
    assert few == many and many <= 10


def test_detail_with_50_attendees_has_a_fixed_query_count(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1)
    DecisionFactory(meeting=meeting)
    client = login(world, "secretary_a")
    url = reverse("meeting-detail", args=[meeting.pk])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for member in MemberFactory.create_batch(5, organisation=world.branch_a1):
        AttendanceFactory(meeting=meeting, member=member)
    few = count()
    for member in MemberFactory.create_batch(45, organisation=world.branch_a1):
        AttendanceFactory(meeting=meeting, member=member, status="leave", reason="事假")
    many = count()
    assert few == many and many <= 15
    assert AttendanceRecord.objects.filter(meeting=meeting).count() == 50


def test_dashboard_panels_for_secretary_and_member(world, login):
    MeetingFactory(
        organisation=world.branch_a1,
        title="下周主题党日",
        status="planned",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    page = text(login(world, "secretary_a").get(reverse("dashboard")))
    assert "本期三会一课" in page and "主题党日" in page
    page = text(login(world, "teacher_a").get(reverse("dashboard")))
    assert "我的近期会议" in page and "下周主题党日" in page and "本期三会一课" not in page
    page = text(login(world, "principal_a").get(reverse("dashboard")))
    assert "本期三会一课" in page and "甲校第二党支部" in page
    assert "下周主题党日" not in page and reverse("meeting-create") not in page


@pytest.mark.parametrize("persona", ["secretary_a", "teacher_a", "admin_a", "principal_a"])
def test_dashboard_query_count_does_not_grow_with_meetings(persona, world, login):
    client = login(world, persona)
    url = reverse("dashboard")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def make(n: int) -> None:
        for i in range(n):
            m = MeetingFactory(
                organisation=world.branch_a1,
                starts_at=timezone.now() + datetime.timedelta(days=i - n // 2),
                status="planned" if i >= n // 2 else "held",
            )
            AttendanceFactory(meeting=m, member=world.teacher_a.member)

    make(5)
    few = count()
    make(45)
    many = count()
    assert few == many, f"{few} queries at 5 meetings, {many} at 50"


def test_rest_present_marks_only_the_unmarked(world, login):
    meeting = MeetingFactory(organisation=world.branch_a1, status="planned", minutes="")
    leave = AttendanceFactory(meeting=meeting, member=world.teacher_a.member, status="pending")
    rest = AttendanceFactory(meeting=meeting, member=world.member_a.member, status="pending")
    login(world, "secretary_a").post(
        reverse("meeting-attendance", args=[meeting.pk]),
        {
            f"status-{leave.pk}": "leave",
            f"reason-{leave.pk}": "病假",
            f"status-{rest.pk}": "pending",
            "rest_present": "on",
        },
    )
    statuses = dict(meeting.attendance.values_list("id", "status"))
    assert statuses == {leave.pk: "leave", rest.pk: "present"}


def test_list_shows_50_meetings_a_page_keeping_the_filters(world, login):
    MeetingFactory.create_batch(60, organisation=world.branch_a1, meeting_type="committee")
    client = login(world, "secretary_a")
    rows = re.compile(r'href="/meetings/\d+/"')
    page = text(client.get(reverse("meeting-list"), {"type": "committee"}))
    assert len(set(rows.findall(page))) == 50
    assert "type=committee&amp;year=&amp;page=2" in page
    second = text(client.get(reverse("meeting-list"), {"type": "committee", "page": 2}))
    assert len(set(rows.findall(second))) == 10 and "2 / 2" in second
