"""Personal data export: what the member gets, what the admin gets, what is left out."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from assistance.models import Visit
from branchwork.registry import PERSONAL_DATA
from members.models import Member
from pledges.models import EntryStatus, Fulfilment
from tests.assistance.access import _photo_visit
from tests.meetings.factories import AttendanceFactory, MeetingFactory
from tests.pledges.access import _entry

pytestmark = pytest.mark.django_db


def unpack(response) -> tuple[dict, dict[str, bytes]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("personal-data.json"))
        files = {n: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
    return data, files


def test_every_app_contributes():
    assert {s.name for s in PERSONAL_DATA} == {"members", "meetings", "assistance", "pledges"}


def test_a_member_downloads_everything_held_about_her(world, login):
    member = Member.objects.get(user=world.member_a)
    AttendanceFactory(meeting=MeetingFactory(organisation=world.branch_a1, title="七一主题党日"),
                      member=member)  # fmt: skip
    _entry(EntryStatus.PENDING, evidence=True)(world)
    client = login(world, "member_a")
    assert client.get(reverse("my-personal-data")).status_code == 200
    data, files = unpack(client.post(reverse("my-personal-data")))
    text = json.dumps(data, ensure_ascii=False)
    for section in ("账户", "个人档案", "会议出勤", "所作承诺", "践诺记录"):
        assert section in data, section
    assert data["账户"][0]["用户名"] == "member_a"
    assert member.name in text and "七一主题党日" in text
    assert "persona-password" not in text and "pbkdf2" not in text and "md5$" not in text
    (evidence,) = files.values()
    with Fulfilment.objects.get().evidence.open("rb") as stored:
        assert evidence == stored.read()


def test_a_mentors_export_never_names_the_student(world, login):
    visit = _photo_visit(world)
    assert Visit.objects.filter(pairing__mentor__user=world.teacher_a).exists()
    client = login(world, "teacher_a")
    data, files = unpack(client.post(reverse("my-personal-data")))
    text = json.dumps(data, ensure_ascii=False)
    assert "结对帮扶（不含学生姓名）" in data
    assert len(data["帮扶走访（不含内容）"]) == 1
    student = visit.pairing.student
    assert student.name not in text
    assert visit.content not in text
    assert files == {}


def test_the_admin_exports_a_member_of_her_school_only(world, login):
    member = Member.objects.get(user=world.secretary_a)
    url = reverse("member-personal-data", args=[member.pk])
    data, _files = unpack(login(world, "admin_a").post(url))
    assert member.name in data["个人档案"][0].values()
    assert login(world, "secretary_a").post(url).status_code == 403
    other = Member.objects.get(user=world.secretary_b)
    url_b = reverse("member-personal-data", args=[other.pk])
    assert login(world, "admin_a").post(url_b).status_code == 404
