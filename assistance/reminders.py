"""What the assistance app contributes to the reminder engine (registered in apps.py)."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from assistance.models import Pairing
from assistance.selectors import _rules
from branchwork.reminders import Occasion


def visits_overdue(today: datetime.date) -> list[Occasion]:
    """To the mentor, once per missed interval: no visit since `visit_interval_days`.

    The occasion is the day the visit became due, so the engine's unique key sends one
    reminder per gap, however many days the sweep runs before the next visit.
    Only the mentor is told (she may see the student's name); never a group robot.
    """
    pairings = list(
        Pairing.objects.active()
        .filter(mentor__user__is_active=True)
        .select_related("student", "branch", "mentor")
        .annotate(last_visit=Max("visits__date"))
    )
    rules = _rules({p.branch.school_id for p in pairings})
    occasions = []
    for p in pairings:
        interval = rules[p.branch.school_id].visit_interval_days
        due = (p.last_visit or p.started_on) + datetime.timedelta(days=interval)
        if due > today:
            continue
        occasions.append(
            Occasion(
                rule="assistance.visit_overdue",
                subject_key=f"pairing:{p.pk}",
                occasion=due,
                organisation_id=p.branch_id,
                recipients=(p.mentor.user_id,),
                title=_("No visit to %(name)s for %(days)s days")
                % {"name": p.student.name, "days": (today - (p.last_visit or p.started_on)).days},
                link=reverse("visit-create", args=[p.pk]),
            )
        )
    return occasions


ASSESSMENT_LEAD_DAYS = 7


def assessments_due(today: datetime.date) -> list[Occasion]:
    """To the mentor, a week before the next stage assessment (阶段评价) is due."""
    pairings = list(
        Pairing.objects.active()
        .filter(mentor__user__is_active=True)
        .select_related("student", "branch", "mentor")
        .annotate(last_assessment=Max("assessments__assessed_on"))
    )
    rules = _rules({p.branch.school_id for p in pairings})
    occasions = []
    for p in pairings:
        due = (p.last_assessment or p.started_on) + datetime.timedelta(
            days=rules[p.branch.school_id].assessment_interval_days
        )
        if not today <= due <= today + datetime.timedelta(days=ASSESSMENT_LEAD_DAYS):
            continue
        occasions.append(
            Occasion(
                rule="assistance.assessment_due",
                subject_key=f"pairing:{p.pk}",
                occasion=due,
                organisation_id=p.branch_id,
                recipients=(p.mentor.user_id,),
                title=_("Stage assessment of %(name)s due on %(date)s")
                % {"name": p.student.name, "date": due.isoformat()},
                link=reverse("pairing-detail", args=[p.pk]),
            )
        )
    return occasions
