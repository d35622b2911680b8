"""Access matrix entries for the members app's views.

Objects live in branch A1 of school A. Teachers (members) see the roster and profiles of
their branch but change nothing; the secretary of A2 and everyone in school B get 404 on
A1's people; the principal (viewer) sees counts on the dashboard only.
"""

import datetime

from members.models import Stage
from tests.factories import MemberFactory
from tests.matrix import Entry, table

READ = table(principal_a=403)
READ_OBJECT = table(secretary_a2=404, secretary_b=404, principal_a=403)
# Writes: only the branch's secretary and the school's admin.
WRITE = table(403, secretary_a=200, admin_a=200, secretary_a2=200, secretary_b=200)
WRITE_OBJECT = table(403, secretary_a=200, admin_a=200, secretary_a2=404, secretary_b=404)
# An empty POST re-shows the form with errors (200) and changes nothing.
WRITE_OBJECT_POST = WRITE_OBJECT


def a1_member(w):
    return [MemberFactory(organisation=w.branch_a1).pk]


def a1_activist(w):
    return [
        MemberFactory(
            organisation=w.branch_a1,
            stage=Stage.ACTIVIST,
            admission_date=None,
            full_membership_date=None,
            activist_date=datetime.date(2025, 1, 1),
        ).pk
    ]


MATRIX = {
    "member-list": Entry(READ),
    "member-pipeline": Entry(READ),
    "member-export": Entry(
        table(403, secretary_a=200, admin_a=200, secretary_a2=200, secretary_b=200)
    ),
    "member-detail": Entry(READ_OBJECT, args=a1_member),
    "member-create": Entry(WRITE, post={}, post_expected=WRITE),
    "member-import": Entry(WRITE, post={}, post_expected=WRITE),
    # Someone else's (or a missing) import batch is a 404 for everyone allowed to import.
    "member-import-confirm": Entry(
        table(403, secretary_a=404, admin_a=404, secretary_a2=404, secretary_b=404),
        args=lambda w: [999999],
    ),
    "pipeline-rules": Entry(
        table(403, admin_a=200), post={}, post_expected=table(403, admin_a=200)
    ),
    "member-edit": Entry(WRITE_OBJECT, args=a1_member, post={}, post_expected=WRITE_OBJECT_POST),
    "member-advance": Entry(
        WRITE_OBJECT, args=a1_activist, post={}, post_expected=WRITE_OBJECT_POST
    ),
    "member-extend": Entry(WRITE_OBJECT, args=a1_member, post={}, post_expected=WRITE_OBJECT_POST),
    "member-record": Entry(
        WRITE_OBJECT, args=a1_activist, post={}, post_expected=WRITE_OBJECT_POST
    ),
    "member-contacts": Entry(
        WRITE_OBJECT, args=a1_activist, post={"contacts": ["x"]}, post_expected=WRITE_OBJECT_POST
    ),
    "member-transfer": Entry(
        WRITE_OBJECT, args=a1_member, post={}, post_expected=WRITE_OBJECT_POST
    ),
    "member-archive": Entry(WRITE_OBJECT, args=a1_member, post={}, post_expected=WRITE_OBJECT_POST),
}

MATRIX.update(
    {
        # Her own copy: any signed-in person (the zip itself is tested in tests/security).
        "my-personal-data": Entry(table(), post={}, post_expected=table()),
        # The organisation admin's copy of one member's data.
        "member-personal-data": Entry(
            table(403, admin_a=200), args=a1_member, post={}, post_expected=table(403, admin_a=200)
        ),
    }
)
