"""Input: every form refuses bad input with a message in Chinese and changes nothing; rich
text is sanitised; uploads are judged by content and always downloaded as attachments;
spreadsheet imports are guarded against zip bombs, XML bombs and huge sheets."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from branchwork.imports import MAX_ROWS, MAX_UNCOMPRESSED, FileRefused
from meetings.models import Meeting
from meetings.richtext import clean_html
from members.models import Member
from tests.assistance.access import _pairing, _photo_visit
from tests.meetings.access import attachment, meeting
from tests.members.access import a1_member
from tests.members.test_import import HEADER, run, xlsx
from tests.pledges.access import _entry, _pledge
from tests.security.test_idor import changed, snapshot
from tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
ERRORS = [
    re.compile(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S),
    re.compile(r'class="message error"[^>]*>(.*?)</li>', re.S),
    re.compile(r'class="error"[^>]*>(.*?)</', re.S),
]


def error_texts(html: str) -> list[str]:
    found = []
    for pattern in ERRORS:
        found += [re.sub(r"<[^>]+>", " ", m).strip() for m in pattern.findall(html)]
    return [text for text in found if text]


# Views that take a POST but have nothing to fill in: a button or a choice of action, for
# which an empty POST is a legitimate request (or is refused without a form).
NO_INPUT = {
    "logout": "a button",
    "logout-everywhere": "a button",
    "set_language": "a language switch; an unknown language is ignored",
    "inbox-read": "marks reminders read",
    "outbox-retry": "a button",
    "robot-off": "a button",
    "meeting-scan": "the check-in button; refusals tested in tests/meetings",
    "meeting-status": "an action button; an unknown action is refused with 400 elsewhere",
    "meeting-calendar-subscription": "create or switch off the link",
    "meeting-attendance": "every row defaults to its current state",
    "member-contacts": "no contacts is a valid choice",
    "pledge-submit": "a button",
    "letter-list": "create this year's letters: a button",
    "appraisal-list": "open the appraisal round: a button",
    "appraisal-member": "an empty self-assessment is allowed until the round closes",
    "report-narrative": "the narrative may be empty",
    "my-personal-data": "the download button",
    "member-personal-data": "the download button",
    "assistance-import-confirm": "the confirm button of an uploaded file",
    "lockouts": "an unlock button; an account not locked, or not hers, is a 404",
}
OWNERS = ("secretary_a", "admin_a", "member_a", "teacher_a")
FORMS = sorted(n for n, e in MATRIX.items() if e.post is not None and n not in NO_INPUT)


def test_every_post_view_is_a_form_or_listed():
    assert set(NO_INPUT) <= {n for n, e in MATRIX.items() if e.post is not None}
    assert len(FORMS) >= 35


@pytest.mark.parametrize("name", FORMS)
def test_an_empty_form_is_refused_in_chinese_and_changes_nothing(name, world, login):
    entry = MATRIX[name]
    persona = next(p for p in OWNERS if entry.post_expected[p] in (200, 302))
    url = reverse(name, args=entry.args(world) if entry.args else []) + entry.query
    client = login(world, persona)
    client.get(url)  # some pages set up their defaults on the first visit
    before = snapshot()
    response = client.post(url, {}, follow=True)
    texts = error_texts(response.content.decode())
    assert texts and all(CJK.search(t) for t in texts), texts
    assert changed(before, snapshot()) == []


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _html_as(name: str) -> SimpleUploadedFile:
    """An HTML page with script, named like an image, a PDF or a spreadsheet."""
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    return SimpleUploadedFile(name, html, content_type="image/jpeg")


def _svg_as_jpg() -> SimpleUploadedFile:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>x()</script></svg>'
    return SimpleUploadedFile("photo.jpg", svg, content_type="image/jpeg")


# (view, URL arguments, persona, data, part of the expected Chinese message)
BAD_INPUT = [
    ("member-create", None, "secretary_a",
     lambda w: {"name": "测" * 51, "birth_date": "2099-02-30", "organisation": w.branch_a1.pk,
                "stage": "full", "gender": "X"}, "有效的日期"),
    ("member-edit", a1_member, "secretary_a",
     lambda w: {"name": "", "birth_date": "1985-01-01", "phone": "1" * 300}, "必填"),
    ("meeting-create", None, "secretary_a",
     lambda w: {"organisation": w.branch_b1.pk, "meeting_type": "nonsense", "title": "x" * 201,
                "starts_at": "明天下午"}, "有效"),
    ("meeting-edit", meeting, "secretary_a",
     lambda w: {"title": "会", "meeting_type": "committee", "starts_at": "2026-02-30T25:00",
                "organisation": w.branch_a1.pk}, "有效"),
    ("notification-preferences", None, "secretary_a",
     lambda w: {"quiet_start": "25:61", "quiet_end": "七点"}, "有效的时间"),
    ("robots", None, "admin_a",
     lambda w: {"organisation": w.school_a.pk, "channel": "wecom", "name": "群",
                "url": "javascript:alert(1)"}, "URL"),
    ("pipeline-rules", None, "admin_a",
     lambda w: dict.fromkeys(("activist_months", "training_hours", "probation_months"), "-5"),
     ""),
    ("meeting-rules", None, "admin_a",
     lambda w: {"spring_starts_month": "13", "autumn_starts_month": "0"}, ""),
    ("password_change", None, "secretary_a",
     lambda w: {"old_password": "wrong", "new_password1": "123", "new_password2": "456"}, "密码"),
    ("pledge-create", None, "member_a",
     lambda w: {"year": "二〇二六", "target_text": "", "category": "999999"}, ""),
    ("student-create", None, "secretary_a",
     lambda w: {"name": "小明", "grade": "99", "school": w.school_b.pk}, ""),
    ("visit-create", lambda w: [_pairing(w).pk], "teacher_a",
     lambda w: {"date": "2099-01-01", "kind": "teleport", "duration_minutes": "-30",
                "content": "走访"}, ""),
    ("fulfilment-create", _pledge("approved"), "member_a",
     lambda w: {"date": _today(), "description": "做了", "amount": "1",
                "evidence": _html_as("证明.jpg")},
     "文件"),
    ("visit-create", lambda w: [_pairing(w).pk], "teacher_a",
     lambda w: {"date": _today(), "kind": "home_visit", "duration_minutes": "30",
                "content": "走访", "photo": _svg_as_jpg()}, "文件"),
    ("meeting-attachment-add", meeting, "secretary_a",
     lambda w: {"kind": "notice", "file": _html_as("通知.pdf")}, "文件内容不是"),
    ("member-import", None, "secretary_a",
     lambda w: {"file": _html_as("名册.xlsx"), "school": w.school_a.pk}, "电子表格"),
    ("student-import", None, "secretary_a",
     lambda w: {"file": _html_as("学生.xlsx"), "school": w.school_a.pk}, ""),
    ("bands-edit", None, "admin_a", lambda w: {"excellent_min": "很多", "good_min": "-1"}, ""),
    ("category-list", None, "admin_a", lambda w: {"name": "", "description": "x" * 5000}, ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "args", "persona", "data", "expected"),
    BAD_INPUT,
    ids=[f"{row[0]}-{i}" for i, row in enumerate(BAD_INPUT)],
)
def test_bad_values_are_refused_in_chinese_and_change_nothing(
    name, args, persona, data, expected, world, login
):
    url = reverse(name, args=args(world) if args else [])
    client = login(world, persona)
    payload = data(world)
    client.get(url)  # some pages set up their defaults on the first visit
    before = snapshot()
    response = client.post(url, payload, follow=True)
    assert response.status_code == 200
    texts = error_texts(response.content.decode())
    assert texts and all(CJK.search(t) for t in texts), texts
    assert expected in " ".join(texts), texts
    assert changed(before, snapshot()) == []


PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r=1></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">点我</a>',
    '<p style="background:url(javascript:alert(1))">纪要</p>',
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name=p></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<p onmouseover="alert(1)">悬停</p><body onload=alert(1)>',
]
FORBIDDEN = re.compile(
    r"<script|<iframe|<svg|<style|<object|<embed|<form|<input|<math|\son\w+\s*=|javascript:"
    r"|data:text/html|style=",
    re.I,
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rich_text_is_sanitised(payload):
    assert not FORBIDDEN.search(clean_html(payload)), clean_html(payload)


def test_rich_text_posted_through_the_form_is_stored_and_shown_clean(world, login):
    client = login(world, "secretary_a")
    response = client.post(
        reverse("meeting-create"),
        {"organisation": world.branch_a1.pk, "meeting_type": "committee", "title": "支委会",
         "starts_at": "2030-05-06T15:00", "topics": "".join(PAYLOADS) + "<p>议题一</p>"},
    )  # fmt: skip
    assert response.status_code == 302
    stored = Meeting.objects.get(title="支委会")
    assert not FORBIDDEN.search(stored.topics) and "议题一" in stored.topics
    page = client.get(reverse("meeting-detail", args=[stored.pk])).content.decode()
    for marker in (
        "alert(",
        "evil.example",
        "onerror",
        "onload",
        "onmouseover",
        "javascript:",
        "x.swf",
        "display:none",
        "data:text/html",
        "xlink:href",
    ):
        assert marker not in page, marker  # fmt: skip


# --- downloads ---------------------------------------------------------------------------

DOWNLOADS = {
    "meeting-attachment": (attachment, "secretary_a"),
    "visit-photo": (lambda w: [_photo_visit(w).pk], "teacher_a"),
    "fulfilment-evidence": (_entry("pending", evidence=True), "member_a"),
}


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_stored_files_are_downloaded_as_attachments_never_as_html(name, world, login):
    build, persona = DOWNLOADS[name]
    response = login(world, persona).get(reverse(name, args=build(world)))
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "html" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_uploads_live_outside_static_and_are_not_served_directly(world, client):
    media = str(settings.MEDIA_ROOT)
    assert not media.startswith(str(settings.STATIC_ROOT))
    assert all(not media.startswith(str(d)) for d in settings.STATICFILES_DIRS)
    path = attachment(world)
    from meetings.models import Attachment

    stored = Attachment.objects.get(pk=path[0]).file.name
    assert client.get(f"/files/{stored}").status_code == 404
    assert client.get(f"/static/../{stored}").status_code == 404


# --- spreadsheet bombs -------------------------------------------------------------------


def _refusal(world, data: bytes) -> str:
    before = Member.objects.count()
    with translation.override("zh-hans"):
        try:
            result = run(world, data)
        except FileRefused as exc:
            text = " ".join(exc.messages)
        else:
            assert not result.committed
            text = " ".join(e.message for e in result.errors)
    assert Member.objects.count() == before
    return text


def test_a_zip_bomb_is_refused_before_unpacking(world):
    good = zipfile.ZipFile(io.BytesIO(xlsx([])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            bomb.writestr(info, good.read(info))
        # 200 MB of zeros: a few hundred kilobytes once deflated.
        bomb.writestr("xl/media/padding.bin", b"\0" * (MAX_UNCOMPRESSED * 2))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    assert "解压" in _refusal(world, data) or "过大" in _refusal(world, data)


def test_an_xml_entity_bomb_is_refused(world):
    source = zipfile.ZipFile(io.BytesIO(xlsx([["张三"]])))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">'
                  for i in range(1, 10))
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                content = bomb.encode()
            out.writestr(info, content)
    import time

    import openpyxl.xml
    from defusedxml import EntitiesForbidden
    from openpyxl.xml.functions import fromstring

    assert openpyxl.xml.DEFUSEDXML is True  # openpyxl parses with defusedxml…
    with pytest.raises(EntitiesForbidden):
        fromstring(bomb.encode())  # …which refuses entity declarations outright
    started = time.monotonic()
    text = _refusal(world, buffer.getvalue())
    # Nothing expanded (a billion "lol"s would take minutes and gigabytes), nothing imported.
    assert time.monotonic() - started < 10 and CJK.search(text)


def test_a_sheet_with_too_many_rows_is_refused(world):
    rows = [[f"人{i}", "女", "1990-01-01", world.branch_a1.name, "", "申请人"]
            for i in range(MAX_ROWS + 1)]  # fmt: skip
    text = _refusal(world, xlsx(rows, header=HEADER[:6]))
    assert str(MAX_ROWS) in text.replace(",", "")
