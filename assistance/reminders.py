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
