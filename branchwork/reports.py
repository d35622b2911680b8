"""The report engine: compose a document from the sections apps registered, render it
through `branchwork.pdf.render_pdf`, store it, and report progress while doing so.

Kinds: "branch" (支部年度工作报告, subject = a branch), "school" (the principal's report,
subject = the school's top organisation), and whatever apps register with
`register_report_kind` ("member" 党员年度档案 by members, "minutes" 会议记录 by meetings).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork.access import scope_for
from branchwork.models import Organisation, ReportFile, ReportNarrative
from branchwork.pdf import fewer_collections, render_pdf
from branchwork.registry import REPORT_KINDS, REPORT_SECTIONS

logger = logging.getLogger(__name__)

KERNEL_KINDS = ("branch", "school")


@dataclass
class Built:
    organisation: Organisation
    title: str
    template: str
    context: dict[str, Any]
    subject_user_id: int | None = None


@dataclass(frozen=True)
class Compared:
    """One column of the school report's branch comparison, from a section's own figures
    (no query of its own): a value per branch id and the school's. A section of the
    school report contributes its columns under the context key "compare"."""

    label: Any
    by_branch: dict[int, int | None]
    school: int | None
    percent: bool = False


def comparison(school: Organisation, computed: list[dict[str, Any]], number: int) -> dict:
    """The principal's one table comparing the branches: a row per branch, a column per
    figure the sections contributed, the school as a whole at the foot. A branch missing
    from a count (no rows to group) has 0 of it; from a rate, no rate ("—")."""
    columns = [column for section in computed for column in section.get("compare", ())]
    branches = (
        Organisation.objects.branches()
        .filter(path__startswith=school.path)
        .order_by("path")
        .values_list("id", "name")
    )
    return {
        "name": "comparison",
        "title": _("Branches compared"),
        "template": "reports/comparison.html",
        "number": number,
        "columns": columns,
        "rows": [
            {
                "name": name,
                "cells": [
                    (c.by_branch.get(pk, None if c.percent else 0), c.percent) for c in columns
                ],
            }
            for pk, name in branches
        ],
        "school": [(c.school, c.percent) for c in columns],
    }


def sections(report: str, subject: Any, year: int, progress: Callable | None = None) -> list:
    """Every registered section of a report, each with its computed context."""
    chosen = [s for s in REPORT_SECTIONS if s.report == report]
    result = []
    for index, section in enumerate(chosen, start=1):
        if progress:
            progress(10 + int(45 * index / max(len(chosen), 1)), str(section.title))
        result.append(
            {"name": section.name, "title": section.title, "template": section.template,
             "number": index, **section.context(subject, year)}
        )  # fmt: skip
    return result


def build(kind: str, subject_id: int, year: int, progress: Callable | None = None) -> Built:
    """What to render for a report kind and subject (no permission check: see `request`)."""
    head = build_head(kind, subject_id, year)
    if kind in KERNEL_KINDS:
        organisation = head.organisation
        context = {
            "kind": kind,
            "organisation": organisation,
            "school": organisation.school or organisation,
            "year": year,
            "title": head.title,
            "running_title": head.title,
            "generated_on": timezone.localdate(),
            "narrative": ReportNarrative.objects.filter(
                organisation=organisation, year=year
            ).first(),
            "sections": sections(kind, organisation, year, progress),
        }
        if kind == "school":
            computed = context["sections"]
            computed.append(comparison(organisation, computed, len(computed) + 1))
        return Built(organisation, head.title, "reports/annual.html", context)
    organisation, title, template, context, user_id = REPORT_KINDS[kind].build(
        subject_id, year, progress
    )
    context.setdefault("running_title", title)
    return Built(organisation, title, template, context, user_id)


def can_request(user: Any, kind: str, organisation: Organisation, subject_user_id=None) -> bool:
    scope = scope_for(user)
    if kind == "member" and subject_user_id is not None and subject_user_id == scope.user_id:
        return True
    capability = {
        "branch": "reports.branch", "school": "reports.school",
        "member": "reports.member", "minutes": "reports.minutes",
    }.get(kind)  # fmt: skip
    return capability is not None and scope.has_in(capability, organisation)


@transaction.atomic
def request(*, kind: str, subject_id: int, year: int, user: Any) -> ReportFile:
    """Queue a report for generation (the previous one of the same subject and year is
    replaced once the new file is ready; its record is kept)."""
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError(_("Choose a year between 2000 and next year."))
    head = build_head(kind, subject_id, year)
    if not can_request(user, kind, head.organisation, head.subject_user_id):
        raise Http404  # outside the user's scope: as if it did not exist
    report = ReportFile.objects.create(
        kind=kind, subject_id=subject_id, subject_user_id=head.subject_user_id,
        organisation=head.organisation, year=year, title=head.title,
        parameters={"kind": kind, "subject_id": subject_id, "year": year},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    from branchwork.reminders import enqueue_after_commit

    enqueue_after_commit("branchwork.generate_report", report.pk)
    return report


@dataclass
class Head:
    organisation: Organisation
    title: str
    subject_user_id: int | None


def build_head(kind: str, subject_id: int, year: int) -> Head:
    """The organisation and title of a report without computing its sections."""
    if kind in KERNEL_KINDS:
        organisation = Organisation.objects.filter(pk=subject_id).first()
        if (
            organisation is None
            or (kind == "branch" and organisation.kind != "branch")
            or (kind == "school" and not organisation.is_school)
        ):
            raise Http404
        title = (
            _("%(branch)s annual work report %(year)s")
            % {"branch": organisation.name, "year": year}
            if kind == "branch"
            else _("%(school)s annual party work report %(year)s")
            % {"school": organisation.name, "year": year}
        )
        return Head(organisation, title, None)
    if kind not in REPORT_KINDS:
        raise Http404
    organisation, title, _template, _context, user_id = REPORT_KINDS[kind].build(
        subject_id, year, None, head_only=True
    )
    return Head(organisation, title, user_id)


def _progress(report_id: int) -> Callable[[int, str], None]:
    def update(percent: int, step: str) -> None:
        ReportFile.objects.filter(pk=report_id, state=ReportFile.State.RUNNING).update(
            progress=min(percent, 99), step=str(step)[:100]
        )

    return update


def _stale(now: datetime.datetime) -> Q:
    """Generating for longer than REPORT_STALE_SECONDS: its worker died (killed, OOM)."""
    limit = now - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    return Q(state=ReportFile.State.RUNNING, claimed_at__lt=limit)


def requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again every report whose worker died mid-render (the sweep calls this); the
    conditional claim in `generate` lets exactly one worker take it."""
    from branchwork.reminders import enqueue_after_commit

    ids = list(
        ReportFile.objects.filter(_stale(now or timezone.now())).values_list("pk", flat=True)
    )
    for report_id in ids:
        enqueue_after_commit("branchwork.generate_report", report_id)
    return len(ids)


def generate(report_id: int) -> str:
    """Render a queued report (the Celery task's body). Claims it with a conditional UPDATE
    so that a retried or duplicated task renders it once."""
    now = timezone.now()
    claimed = (
        ReportFile.objects.filter(pk=report_id)
        .filter(Q(state=ReportFile.State.QUEUED) | _stale(now))
        .update(state=ReportFile.State.RUNNING, progress=5, step="start", claimed_at=now)
    )
    if not claimed:
        return "not-claimed"
    report = ReportFile.objects.get(pk=report_id)
    progress = _progress(report_id)
    try:
        pdf = _render(report.kind, report.subject_id, report.year or 0, progress)
    except Exception as exc:  # recorded on the report; the page shows it
        logger.exception("report %s failed", report_id)
        ReportFile.objects.filter(pk=report_id).update(
            state=ReportFile.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )  # fmt: skip
        return ReportFile.State.FAILED
    report.file.save(f"{report.kind}-{report.subject_id}-{report.year}.pdf", ContentFile(pdf),
                     save=False)  # fmt: skip
    with transaction.atomic():
        previous = ReportFile.objects.filter(
            kind=report.kind, subject_id=report.subject_id, year=report.year,
            state=ReportFile.State.DONE, replaced=False,
        ).exclude(pk=report.pk)  # fmt: skip
        for old in previous:
            old.file.delete(save=False)  # the file is replaced; its record stays
        previous.update(replaced=True, file="")
        ReportFile.objects.filter(pk=report_id).update(
            state=ReportFile.State.DONE, progress=100, step="done", file=report.file.name,
            pages=page_count(pdf), finished_at=timezone.now(),
        )  # fmt: skip
    return ReportFile.State.DONE


def page_count(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def render_now(kind: str, subject_id: int, year: int) -> bytes:
    """Synchronous rendering for scripts (`manage.py render_report`)."""
    return _render(kind, subject_id, year)


def _render(kind: str, subject_id: int, year: int, progress: Callable | None = None) -> bytes:
    """The year's data, then the PDF; the garbage collector runs less often throughout, as
    gathering a school's data also makes many short-lived objects (`fewer_collections`)."""
    with fewer_collections():
        built = build(kind, subject_id, year, progress)
        return render_pdf(built.template, built.context, progress=progress)


def pregenerate_last_year(*, today: datetime.date | None = None) -> int:
    """January's beat job: queue last year's report of every branch that has none yet."""
    today = today or timezone.localdate()
    year = today.year - 1
    done = set(
        ReportFile.objects.filter(kind="branch", year=year)
        .filter(Q(state__in=[ReportFile.State.DONE, ReportFile.State.QUEUED,
                             ReportFile.State.RUNNING]))
        .values_list("subject_id", flat=True)
    )  # fmt: skip
    queued = 0
    for branch in Organisation.objects.branches().exclude(pk__in=done):
        with transaction.atomic():
            report = ReportFile.objects.create(
                kind="branch", subject_id=branch.pk, organisation=branch, year=year,
                title=build_head("branch", branch.pk, year).title,
                parameters={"kind": "branch", "subject_id": branch.pk, "year": year,
                            "automatic": True},
            )  # fmt: skip
            from branchwork.reminders import enqueue_after_commit

            enqueue_after_commit("branchwork.generate_report", report.pk)
        queued += 1
    return queued
