"""Access matrix entries for the kernel's views."""

from branchwork.models import Channel, Delivery, RobotWebhook
from tests.matrix import PERSONAS, SIGNED_IN, Entry, everyone, table

ADMIN_ONLY = table(403, admin_a=200)


def a1_delivery(w):
    return [
        Delivery.objects.create(
            channel=Channel.WECOM, organisation=w.branch_a1, rule="x", subject_key="y",
            occasion="2026-01-01", title="t", not_before="2026-01-01T00:00Z", status="failed",
        ).pk
    ]  # fmt: skip


def a_robot(w):
    return [
        RobotWebhook.objects.create(
            organisation=w.school_a, channel=Channel.WECOM, name="r", url="https://x.invalid/"
        ).pk
    ]


MATRIX = {
    "dashboard": Entry(everyone(200)),
    # A lazy panel: for those who may see it (here: everyone with a role).
    "dashboard-panel": Entry(everyone(200), query="?name=assistance-overview"),
    "healthz": Entry(dict.fromkeys(PERSONAS, 200)),
    "livez": Entry(dict.fromkeys(PERSONAS, 200)),
    "login": Entry({p: (302 if p in SIGNED_IN else 200) for p in PERSONAS}),
    # Logging out is a POST (Django 5); a GET is refused for everyone.
    "logout": Entry(
        dict.fromkeys(PERSONAS, 405), post={}, post_expected=dict.fromkeys(PERSONAS, 302)
    ),
    # A POST with nothing in it: the form answers with its errors, nothing changes.
    "password_change": Entry(everyone(200), post={}, post_expected=everyone(200)),
    "password_change_done": Entry(everyone(200)),
    # POST only; it ends the persona's own sessions and sends her to the login page.
    "logout-everywhere": Entry(everyone(405), post={}, post_expected=dict.fromkeys(PERSONAS, 302)),
    # A GET changes nothing and just sends the user back.
    "set_language": Entry(
        dict.fromkeys(PERSONAS, 302),
        query="?next=/",
        post={"language": "en", "next": "/"},
        post_expected=dict.fromkeys(PERSONAS, 302),
    ),
    "organisation-list": Entry(everyone(200)),
    "inbox": Entry(everyone(200)),
    # Marking read is a POST; a GET is refused.
    "inbox-read": Entry(everyone(405), post={}, post_expected=everyone(302)),
    "notification-preferences": Entry(everyone(200), post={}, post_expected=everyone(200)),
    "outbox": Entry(ADMIN_ONLY),
    "outbox-retry": Entry(
        table(403, admin_a=405),
        args=a1_delivery,
        post={},
        post_expected=table(403, admin_a=302),
    ),
    "robots": Entry(ADMIN_ONLY, post={}, post_expected=ADMIN_ONLY),
    "robot-off": Entry(
        table(403, admin_a=405), args=a_robot, post={}, post_expected=table(403, admin_a=302)
    ),
    "organisation-detail": Entry(
        table(secretary_a2=404, secretary_b=404), args=lambda w: [w.branch_a1.pk]
    ),
}


def _report(w, kind="branch", organisation=None):
    from branchwork.models import ReportFile

    organisation = organisation or w.branch_a1
    return ReportFile.objects.create(
        kind=kind, subject_id=organisation.pk, organisation=organisation, year=2025,
        title="甲校第一党支部2025年度工作报告", state="queued",
    )  # fmt: skip


def _import_batch(w):
    from branchwork.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="members", organisation=w.school_a, uploaded_by=w.secretary_a, filename="名册.xlsx",
        file="imports/x.bin", state="checking",
    )  # fmt: skip
    return [batch.pk]


# Branch reports: the branch's secretary, the school's admin and the principal (viewer).
REPORT_READERS = table(404, secretary_a=200, admin_a=200, principal_a=200)

MATRIX.update(
    {
        "reports": Entry(everyone(200)),
        # A GET is refused; a POST without a subject goes back to the list with a message.
        "report-generate": Entry(everyone(405), post={}, post_expected=everyone(302)),
        "report-status": Entry(REPORT_READERS, args=lambda w: [_report(w).pk]),
        # Only the person who uploaded a spreadsheet sees its import; those who import
        # nothing are refused outright.
        "import-status": Entry(
            table(403, secretary_a=200, admin_a=404, secretary_a2=404, secretary_b=404),
            args=_import_batch,
        ),
        # Not generated yet: nothing to download, for everyone.
        "report-download": Entry(table(404), args=lambda w: [_report(w).pk]),
        "report-narrative": Entry(
            table(403, secretary_a=200, admin_a=200, secretary_a2=404, secretary_b=404),
            args=lambda w: [w.branch_a1.pk, 2026],
            post={},
            post_expected=table(
                403, secretary_a=302, admin_a=302, secretary_a2=404, secretary_b=404
            ),
        ),
    }
)


def _audited_member(w):
    from tests.factories import MemberFactory

    return ["members.member", MemberFactory(organisation=w.branch_a1).pk]


MATRIX.update(
    {
        # Organisation admins only; another school's admin gets 404 (tests/security).
        "audit-history": Entry(ADMIN_ONLY, args=_audited_member),
    }
)


MATRIX.update(
    {
        # Organisation admins unlock their people; unlocking nobody in particular is a 404.
        "lockouts": Entry(ADMIN_ONLY, post={}, post_expected=table(403, admin_a=404)),
    }
)
