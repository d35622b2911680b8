"""What the assistance pages show to whom, what they log, and at what query cost."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assistance.models import Pairing, StudentAccess, Visit
from tests.assistance.factories import (
    AssessmentFactory,
    PairingFactory,
    StudentFactory,
    VisitFactory,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_teacher_sees_her_pairing_on_the_dashboard_with_a_record_visit_button(
    world, login, mentoring
):
    page = text(login(world, "teacher_a").get(reverse("dashboard")))
    assert "我的结对" in page and "李小明" in page
    assert reverse("visit-create", args=[mentoring.pk]) in page
    assert "记录走访" in page


def test_another_teacher_of_the_same_branch_cannot_see_my_student(world, login, mentoring):
    client = login(world, "member_a")
    assert client.get(reverse("student-detail", args=[mentoring.student_id])).status_code == 404
    assert client.get(reverse("pairing-detail", args=[mentoring.pk])).status_code == 404
    assert client.get(reverse("visit-create", args=[mentoring.pk])).status_code == 404
    for url in (reverse("dashboard"), reverse("assistance-home"), reverse("student-list")):
        assert "李小明" not in text(client.get(url))


def test_mentor_secretary_and_admin_see_the_file(world, login, mentoring):
    url = reverse("student-detail", args=[mentoring.student_id])
    for persona in ("teacher_a", "secretary_a", "admin_a"):
        page = text(login(world, persona).get(url))
        assert "李小明" in page and "13811112222" in page and "父母在外务工" in page, persona
    assert login(world, "secretary_a2").get(url).status_code == 404


def test_a_former_mentor_loses_the_file_when_the_student_is_repaired(world, login, mentoring):
    from assistance import services

    services.close_pairing(
        pairing=mentoring, closed_on=datetime.date(2025, 10, 9), outcome="stable", summary="s"
    )
    services.open_pairing(
        mentor=world.member_a.member,
        student=mentoring.student,
        started_on=datetime.date(2025, 10, 10),
        reason="learning",
        goals="g",
    )
    url = reverse("student-detail", args=[mentoring.student_id])
    assert login(world, "teacher_a").get(url).status_code == 404
    assert login(world, "member_a").get(url).status_code == 200
    page = text(login(world, "secretary_a").get(reverse("pairing-detail", args=[mentoring.pk])))
    assert "李小明" in page  # the branch keeps its history


def test_secretary_sees_unpaired_students_of_the_school_but_not_another_branchs_pairing(
    world, login
):
    waiting = StudentFactory(school=world.school_a, name="等待结对")
    other = PairingFactory(
        mentor=world.secretary_a2.member, student__school=world.school_a, student__name="二支部"
    )
    client = login(world, "secretary_a")
    page = text(client.get(reverse("assistance-home")))
    assert "等待结对" in page and "二支部" not in page
    assert client.get(reverse("student-detail", args=[waiting.pk])).status_code == 200
    assert client.get(reverse("student-detail", args=[other.student_id])).status_code == 404


def test_every_file_view_is_logged_and_the_secretary_sees_the_log(world, login, mentoring):
    login(world, "teacher_a").get(reverse("student-detail", args=[mentoring.student_id]))
    login(world, "teacher_a").get(reverse("pairing-detail", args=[mentoring.pk]))
    login(world, "member_a").get(reverse("student-detail", args=[mentoring.student_id]))
    entries = list(StudentAccess.objects.order_by("id").values_list("user__username", "page"))
    assert entries == [("teacher_a", "student"), ("teacher_a", "pairing")]  # a 404 is not a view
    page = text(login(world, "secretary_a").get(reverse("student-access-log")))
    assert "teacher_a" in page and "李小明" in page
    assert "李小明" not in text(login(world, "secretary_a2").get(reverse("student-access-log")))


def test_the_principal_sees_counts_and_outcomes_but_no_names(world, login, mentoring):
    closed = PairingFactory(
        mentor=world.secretary_a.member,
        student__school=world.school_a,
        student__name="王小红",
        status="closed",
        closed_on=datetime.date(2025, 12, 1),
        outcome="improved",
        summary="进步了",
    )
    client = login(world, "principal_a")
    names = ("李小明", "王小红", world.teacher_a.member.name, "teacher_a-成员", "13811112222")
    for url in (reverse("dashboard"), reverse("assistance-home"), reverse("assistance-ledger")):
        page = text(client.get(url))
        assert not any(name in page for name in names), url
    ledger = text(client.get(reverse("assistance-ledger")))
    assert "已改善" in ledger and "学习困难" in ledger
    home = text(client.get(reverse("assistance-home")))
    assert "在帮扶" in home or "进行中的结对" in home
    workbook = load_workbook(io.BytesIO(client.get(reverse("assistance-ledger-export")).content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert not any(name in cell for cell in cells for name in names)
    assert "已改善" in cells
    assert closed.pk  # the closed pairing is in the ledger's rows
    assert len(list(workbook.active.iter_rows())) == 3


def test_the_secretary_export_has_names(world, login, mentoring):
    response = login(world, "secretary_a").get(reverse("assistance-ledger-export"))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert "李小明" in cells and world.teacher_a.member.name in cells


def test_visit_form_saves_and_answers_the_script_with_201(world, login, mentoring):
    client = login(world, "teacher_a")
    url = reverse("visit-create", args=[mentoring.pk])
    data = {
        "date": "2025-10-20",
        "kind": "home_visit",
        "duration_minutes": "40",
        "content": "家访，看了作业",
        "student_state": "开心",
        "next_step": "下周再去",
    }
    response = client.post(url, data, HTTP_X_BRANCHWORK_DRAFT="1")
    assert response.status_code == 201
    body = json.loads(response.content)
    assert body == {
        "saved": True,
        "url": reverse("pairing-detail", args=[mentoring.pk]) + "?saved=visit",
    }
    assert Visit.objects.filter(content="家访，看了作业").exists()
    page = text(client.get(body["url"]))
    assert "data-clear-draft" in page and "家访，看了作业" in page


def test_visit_form_errors_are_chinese_and_nothing_is_saved(world, login, mentoring):
    client = login(world, "teacher_a")
    url = reverse("visit-create", args=[mentoring.pk])
    before = Visit.objects.count()
    bad = {"date": "2025-10-20", "kind": "talk", "duration_minutes": "0", "content": ""}
    response = client.post(url, bad, HTTP_X_BRANCHWORK_DRAFT="1")
    assert response.status_code == 422
    page = text(response)
    assert "这个字段是必填项" in page and "data-draft-key" in page
    response = client.post(
        url, {**bad, "content": "x", "duration_minutes": "20", "date": "2099-01-01"}
    )
    assert response.status_code == 200 and "不能是将来" in text(response)
    assert Visit.objects.count() == before


def test_visit_form_works_at_phone_width_markup(world, login, mentoring):
    page = text(login(world, "teacher_a").get(reverse("visit-create", args=[mentoring.pk])))
    assert 'name="viewport"' in page and "js/assistance." in page
    assert "<script>" not in page  # no inline script (a CSP comes later)
    assert 'accept="image/*"' in page


def test_pairing_page_shows_the_trajectory_chart(world, login, mentoring):
    AssessmentFactory(pairing=mentoring, term="期中", results={"语文": 60, "数学": 50})
    AssessmentFactory(
        pairing=mentoring,
        term="期末",
        assessed_on=datetime.date(2026, 1, 15),
        results={"语文": 72, "数学": 61},
    )
    page = text(login(world, "teacher_a").get(reverse("pairing-detail", args=[mentoring.pk])))
    assert "<svg" in page and "<polyline" in page and "期中" in page and "期末" in page


def test_teacher_dashboard_flags_overdue_visits(world, login):
    pairing = PairingFactory(mentor=world.teacher_a.member, student__school=world.school_a)
    VisitFactory(pairing=pairing, date=datetime.date.today() - datetime.timedelta(days=45))
    page = text(login(world, "teacher_a").get(reverse("dashboard")))
    assert "走访已逾期" in page and "45" in page


def test_secretary_home_lists_members_without_pairing(world, login, mentoring):
    MemberFactory(organisation=world.branch_a1, name="空闲党员")
    page = text(login(world, "secretary_a").get(reverse("assistance-home")))
    assert "空闲党员" in page and "未结对的党员" in page


def test_pairing_create_refuses_beyond_the_limit_with_a_clear_message(world, login):
    client = login(world, "secretary_a")
    teacher = world.teacher_a.member
    PairingFactory.create_batch(2, mentor=teacher, student__school=world.school_a)
    student = StudentFactory(school=world.school_a)
    response = client.post(
        reverse("pairing-create"),
        {
            "student": student.pk,
            "mentor": teacher.pk,
            "started_on": "2025-09-01",
            "reason": "learning",
            "goals": "g",
        },
    )
    assert response.status_code == 200 and "已达上限" in text(response)
    assert Pairing.objects.filter(student=student).count() == 0


def count_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        ("dashboard", "teacher_a"),
        ("assistance-home", "teacher_a"),
        ("assistance-ledger", "secretary_a"),
        ("assistance-ledger", "principal_a"),
        ("assistance-home", "secretary_a"),
        ("student-list", "secretary_a"),
        ("student-access-log", "secretary_a"),
    ],
)
def test_query_count_does_not_grow_with_pairings(name, persona, world, login):
    client = login(world, persona)
    url = reverse(name)

    def add(n: int) -> None:
        for pairing in PairingFactory.create_batch(
            n, mentor=world.teacher_a.member, student__school=world.school_a
        ):
            VisitFactory(pairing=pairing)
            AssessmentFactory(pairing=pairing)
            StudentAccess.objects.create(student=pairing.student, user=world.teacher_a, page="x")
        MemberFactory.create_batch(n, organisation=world.branch_a1)
        StudentFactory.create_batch(n, school=world.school_a)

    add(5)
    few = count_queries(client, url)
    add(45)
    many = count_queries(client, url)
    assert few == many, f"{few} queries at 5 pairings, {many} at 50"
    assert many <= 20
