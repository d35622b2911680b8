"""Access matrix entries for the pledges app's views.

Objects belong to member_a of branch A1 (school A): member_a may edit her own draft,
teacher_a of the same branch may not (404); the secretary of A1 decides and reviews;
the secretary of A2 and anyone of school B get a 404; the principal sees the wall only.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from members.models import Member
from pledges.models import EntryStatus, PledgeStatus
from tests.matrix import Entry, table
from tests.pledges.factories import (
    CategoryFactory,
    FulfilmentFactory,
    LetterFactory,
    LetterItemFactory,
    PledgeFactory,
)

# Who reaches an object of member_a's (a pledge, an entry, a letter, her appraisal).
OWNER_AND_LEDGER = table(teacher_a=404, secretary_a2=404, secretary_b=404, principal_a=403)
# Only member_a herself (edit her draft, record fulfilment).
OWNER_ONLY = table(
    200,
    teacher_a=404,
    secretary_a=404,
    secretary_a2=404,
    admin_a=404,
    secretary_b=404,
    principal_a=403,
)
# The branch secretary's steps: GET and POST redirect back to the pledge.
SECRETARY_ONLY = table(
    302,
    member_a=403,
    teacher_a=403,
    admin_a=403,
    principal_a=403,
    secretary_a2=404,
    secretary_b=404,
)
LEDGER = table(member_a=403, teacher_a=403, principal_a=403)
ADMIN_ONLY = table(403, admin_a=200)


def _member(w):
    return Member.objects.get(user=w.member_a)


def _pledge(status):
    return lambda w: [PledgeFactory(member=_member(w), status=status).pk]


def _entry(status, *, evidence=False):
    def build(w):
        entry = FulfilmentFactory(
            pledge=PledgeFactory(member=_member(w), status=PledgeStatus.APPROVED),
            status=status,
            date=datetime.date.today().replace(day=1),
        )
        if evidence:
            entry.evidence.save("upload.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
            entry.evidence_name = "证明.pdf"
            entry.evidence_content_type = "application/pdf"
            entry.save()
        return [entry.pk]

    return build


def _letter(w):
    letter = LetterFactory(member=_member(w))
    LetterItemFactory(letter=letter)
    return [letter.pk]


MATRIX = {
    "pledge-mine": Entry(table(principal_a=403)),
    "pledge-create": Entry(
        table(principal_a=403, admin_a=302),
        post={},
        post_expected=table(principal_a=403, admin_a=302),
    ),
    "pledge-detail": Entry(OWNER_AND_LEDGER, args=_pledge(PledgeStatus.DRAFT)),
    "pledge-edit": Entry(
        OWNER_ONLY, args=_pledge(PledgeStatus.DRAFT), post={}, post_expected=OWNER_ONLY
    ),
    "pledge-submit": Entry(
        {**OWNER_ONLY, "member_a": 302},
        args=_pledge(PledgeStatus.DRAFT),
        post={},
        post_expected={**OWNER_ONLY, "member_a": 302},
    ),
    "pledge-decide": Entry(
        SECRETARY_ONLY,
        args=_pledge(PledgeStatus.SUBMITTED),
        post={"decision": "approve"},
        post_expected=SECRETARY_ONLY,
    ),
    "pledge-amend": Entry(
        {**SECRETARY_ONLY, "secretary_a": 200},
        args=_pledge(PledgeStatus.APPROVED),
        post={},
        post_expected={**SECRETARY_ONLY, "secretary_a": 200},
    ),
    "pledge-close": Entry(
        SECRETARY_ONLY,
        args=_pledge(PledgeStatus.APPROVED),
        post={"outcome": "fulfilled"},
        post_expected=SECRETARY_ONLY,
    ),
    "fulfilment-create": Entry(
        OWNER_ONLY, args=_pledge(PledgeStatus.APPROVED), post={}, post_expected=OWNER_ONLY
    ),
    "fulfilment-edit": Entry(
        OWNER_ONLY, args=_entry(EntryStatus.RETURNED), post={}, post_expected=OWNER_ONLY
    ),
    "fulfilment-review": Entry(
        SECRETARY_ONLY,
        args=_entry(EntryStatus.PENDING),
        post={"decision": "accept"},
        post_expected=SECRETARY_ONLY,
    ),
    "fulfilment-evidence": Entry(OWNER_AND_LEDGER, args=_entry(EntryStatus.PENDING, evidence=True)),
    "pledge-ledger": Entry(LEDGER),
    "pledge-ledger-export": Entry(LEDGER),
    "pledge-wall-index": Entry(table(302, admin_a=200, principal_a=200)),
    "pledge-wall": Entry(table(secretary_b=404), args=lambda w: [w.branch_a1.pk]),
    "pledge-wall-print": Entry(table(secretary_b=404), args=lambda w: [w.branch_a1.pk]),
    "category-list": Entry(ADMIN_ONLY, post={}, post_expected=ADMIN_ONLY),
    "category-edit": Entry(
        table(404, admin_a=200),
        args=lambda w: [CategoryFactory(organisation=w.school_a).pk],
        post={},
        post_expected=table(404, admin_a=200),
    ),
    "letter-list": Entry(
        LEDGER,
        post={},
        post_expected={
            **LEDGER,
            "secretary_a": 302,
            "secretary_a2": 302,
            "secretary_b": 302,
            "admin_a": 404,
        },
    ),
    "letter-detail": Entry(
        OWNER_AND_LEDGER,
        args=_letter,
        post={},
        post_expected={**OWNER_AND_LEDGER, "member_a": 404, "admin_a": 404, "secretary_a": 200},
    ),
    "appraisal-list": Entry(
        LEDGER,
        post={},
        post_expected={
            **LEDGER,
            "secretary_a": 302,
            "secretary_a2": 302,
            "secretary_b": 302,
            "admin_a": 404,
        },
    ),
    "bands-edit": Entry(ADMIN_ONLY, post={}, post_expected=ADMIN_ONLY),
    "appraisal-export": Entry(LEDGER),
    "appraisal-member": Entry(
        OWNER_AND_LEDGER,
        args=lambda w: [_member(w).pk],
        post={"self_assessment": "认真履行承诺。"},
        post_expected={**OWNER_AND_LEDGER, "member_a": 302, "secretary_a": 404, "admin_a": 404},
    ),
}
