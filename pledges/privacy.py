"""The pledges app's part of a personal data export: pledges, fulfilment entries with
their evidence files, responsibility letters and appraisals (her own; others' votes in
the democratic appraisal are not hers and are left out)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from branchwork.privacy import rows
from pledges.models import Appraisal, Fulfilment, LetterItem, Pledge, ResponsibilityLetter


def collect(user: Any, member: Any) -> dict[str, list[dict[str, Any]]]:
    if member is None:
        return {}
    return {
        _("Pledges made"): rows(Pledge.objects.filter(member=member).order_by("year", "id")),
        _("Fulfilment entries"): rows(
            Fulfilment.objects.filter(pledge__member=member).order_by("date", "id"),
            exclude=["evidence_content_type"],
        ),
        _("Responsibility letters"): rows(
            ResponsibilityLetter.objects.filter(member=member).order_by("year", "id")
        ),
        _("Letter items"): rows(
            LetterItem.objects.filter(letter__member=member).order_by("letter_id", "position")
        ),
        _("Appraisals"): rows(Appraisal.objects.filter(member=member).order_by("year")),
    }


def files(user: Any, member: Any) -> list[tuple[str, Any]]:
    if member is None:
        return []
    entries = Fulfilment.objects.filter(pledge__member=member).exclude(evidence="")
    return [(f"evidence/{e.pk}-{e.evidence_name or 'file'}", e.evidence) for e in entries]
