"""Access matrix entries for the assistance app's views.

Objects are teacher_a's pairing in branch A1. Students' files: the mentor (teacher_a),
the branch secretary (secretary_a) and the organisation admin (admin_a); member_a of the
same branch gets 404, the principal 403 (no file capability at all).
"""

from tests.assistance.factories import PairingFactory, StudentFactory, VisitFactory
from tests.matrix import Entry, table

FILE = {"member_a": 404, "secretary_a2": 404, "secretary_b": 404, "principal_a": 403}
MANAGE = {"member_a": 403, "teacher_a": 403, "principal_a": 403}


def _pairing(w):
    return PairingFactory(mentor=w.teacher_a.member, student=StudentFactory(school=w.school_a))


def _photo_visit(w):
    from django.core.files.base import ContentFile

    visit = VisitFactory(pairing=_pairing(w))
    visit.photo.save("x.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=True)
    visit.photo_content_type = "image/png"
    visit.save()
    return visit


def _batch(w):
    import io

    from openpyxl import Workbook

    from branchwork import services

    # A real spreadsheet: anything else is refused before it is stored.
    workbook, buffer = Workbook(), io.BytesIO()
    workbook.active.append(["姓名"])
    workbook.save(buffer)
    return services.start_import(
        kind="assistance-students",
        organisation=w.school_a,
        user=w.deactivated,
        filename="x.xlsx",
        data=buffer.getvalue(),
    ).pk


MATRIX = {
    "assistance-home": Entry(table()),
    "assistance-ledger": Entry(table(member_a=403, teacher_a=403)),
    "assistance-ledger-export": Entry(table(member_a=403, teacher_a=403)),
    "student-list": Entry(table(principal_a=403)),
    "student-create": Entry(
        table(**MANAGE),
        post={"name": ""},
        post_expected=table(**MANAGE),
    ),
    "student-detail": Entry(table(**FILE), args=lambda w: [_pairing(w).student_id]),
    "student-edit": Entry(
        table(**{**FILE, **MANAGE, "member_a": 403}),
        args=lambda w: [_pairing(w).student_id],
        post={"name": ""},
        post_expected=table(**{**FILE, **MANAGE, "member_a": 403}),
    ),
    "pairing-create": Entry(table(**MANAGE), post={"goals": ""}, post_expected=table(**MANAGE)),
    "pairing-detail": Entry(table(**FILE), args=lambda w: [_pairing(w).pk]),
    "pairing-close": Entry(
        table(**FILE),
        args=lambda w: [_pairing(w).pk],
        post={"outcome": ""},
        post_expected=table(**FILE),
    ),
    "visit-create": Entry(
        table(**FILE),
        args=lambda w: [_pairing(w).pk],
        post={"content": ""},
        post_expected=table(**FILE),
    ),
    "assessment-create": Entry(
        table(**FILE),
        args=lambda w: [_pairing(w).pk],
        post={"term": ""},
        post_expected=table(**FILE),
    ),
    "visit-photo": Entry(table(**FILE), args=lambda w: [_photo_visit(w).pk]),
    "student-access-log": Entry(table(**MANAGE)),
    "student-import": Entry(table(**MANAGE), post={"school": ""}, post_expected=table(**MANAGE)),
    "pairing-import": Entry(table(**MANAGE), post={"school": ""}, post_expected=table(**MANAGE)),
    "assistance-import-confirm": Entry(
        # Only the person who uploaded a file confirms it: everyone else gets 404.
        table(**MANAGE, secretary_a=404, secretary_a2=404, admin_a=404, secretary_b=404),
        args=lambda w: [_batch(w)],
        post={},
        post_expected=table(
            **MANAGE, secretary_a=404, secretary_a2=404, admin_a=404, secretary_b=404
        ),
    ),
}
