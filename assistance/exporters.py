"""The assistance ledger (帮扶台账) as a spreadsheet, through the kernel's Exporter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.selectors import LedgerRow
from branchwork.exporters import Exporter


class LedgerExporter(Exporter):
    """One row per pairing. Names (student, class, mentor) only in rows whose branch the
    user manages; a viewer's file has the columns but never a name."""

    def __init__(self, rows: list[LedgerRow]) -> None:
        self.rows_ = rows
        self.title = _("Assistance ledger") + f" {timezone.localdate():%Y-%m-%d}"

    def header(self) -> Sequence[str]:
        return [
            _("Branch"),
            _("Student"),
            _("Class"),
            _("Mentor"),
            _("Reason"),
            _("Start date"),
            _("Status"),
            _("Visits"),
            _("Last visit"),
            _("Overdue"),
            _("Closed on"),
            _("Outcome"),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        hidden = _("(hidden)")
        for row in self.rows_:
            p = row.status.pairing
            yield [
                p.branch.name,
                p.student.name if row.show_names else hidden,
                p.student.class_label if row.show_names else hidden,
                p.mentor.name if row.show_names else hidden,
                p.get_reason_display(),
                p.started_on,
                p.get_status_display(),
                row.status.visit_count,
                row.status.last_visit,
                _("yes") if row.status.overdue else "",
                p.closed_on,
                p.get_outcome_display(),
            ]
