"""The pledge ledger (承诺践诺台账) and the appraisal results as spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from branchwork.exporters import Exporter
from branchwork.models import Organisation
from pledges import selectors


class LedgerExporter(Exporter):
    """One row per pledge of the branch for the year, with its progress and outcome."""

    def __init__(self, *, branch: Organisation, year: int) -> None:
        self.branch = branch
        self.year = year
        self.title = _("Pledge ledger %(year)s %(branch)s") % {
            "year": year,
            "branch": branch.name,
        }

    def header(self) -> Sequence[str]:
        return [
            _("Member"),
            _("Category"),
            _("Pledge"),
            _("Measurable target"),
            _("Target amount"),
            _("Unit"),
            _("Due date"),
            _("Status"),
            _("Accepted progress"),
            _("Progress %"),
            _("Entries awaiting review"),
            _("Returned entries"),
            _("Closing comment"),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for pledge in selectors.ledger(self.branch, year=self.year):
            yield [
                pledge.member.name,
                pledge.category.name,
                pledge.text,
                pledge.target_text,
                pledge.target_amount,
                pledge.target_unit,
                pledge.due_date,
                pledge.get_status_display(),
                pledge.accepted_amount,
                pledge.progress,
                pledge.pending_entries,
                pledge.returned_entries,
                pledge.closing_comment,
            ]


class AppraisalExporter(Exporter):
    """One row per appraised member: letters' score, band grade, 民主评议 grade, comments."""

    def __init__(self, *, branch: Organisation, year: int) -> None:
        self.branch = branch
        self.year = year
        self.title = _("Appraisal %(year)s %(branch)s") % {"year": year, "branch": branch.name}

    def header(self) -> Sequence[str]:
        return [
            _("Member"),
            _("Stage"),
            _("Letters signed"),
            _("Score"),
            _("Maximum"),
            _("Grade by score"),
            _("Democratic appraisal grade"),
            _("Self-assessment"),
            _("Secretary's comment"),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        not_graded = _("Probationary: not graded")
        for row in selectors.appraisal_rows(self.branch, year=self.year):
            yield [
                row.member.name,
                row.member.get_stage_display(),
                _("yes") if row.signed else _("no"),
                row.score,
                row.max_score,
                not_graded if row.is_probationary else row.band_grade_label,
                not_graded if row.is_probationary else row.review_grade_label,
                row.appraisal.self_assessment if row.appraisal else "",
                row.appraisal.secretary_comment if row.appraisal else "",
            ]
