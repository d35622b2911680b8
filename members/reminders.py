"""What the members app contributes to the reminder engine (registered in apps.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from branchwork.models import Role
from branchwork.reminders import Occasion, users_with_roles
from members.models import Member
from members.selectors import DueKind, due_items_all_schools

# Pipeline deadlines are announced this many days ahead (and once more is never sent:
# the occasion is the due date itself).
PIPELINE_LEAD_DAYS = 7
LIST_DAYS = 3  # the monthly birthday list goes out on the first days of the month


def pipeline_deadlines(today: datetime.date) -> list[Occasion]:
    """To the branch secretary and the person's contacts: talk, review, eligibility, 转正."""
    items = [
        item
        for item in due_items_all_schools(
            start=today, end=today + datetime.timedelta(days=PIPELINE_LEAD_DAYS)
        )
        if item.kind != DueKind.POLITICAL_BIRTHDAY
    ]
    if not items:
        return []
    secretaries = users_with_roles({i.branch_id for i in items}, (Role.SECRETARY,))
    contacts: dict[int, set[int]] = defaultdict(set)
    through = Member.contacts.through.objects.filter(
        from_member_id__in={i.member_id for i in items}, to_member__user__is_active=True
    ).values_list("from_member_id", "to_member__user_id")
    for member_id, user_id in through:
        if user_id:
            contacts[member_id].add(user_id)
    occasions = []
    for item in items:
        recipients = secretaries.get(item.branch_id, set()) | contacts.get(item.member_id, set())
        if not recipients:
            continue
        occasions.append(
            Occasion(
                rule="members.pipeline_deadline",
                subject_key=f"member:{item.member_id}:{item.kind}",
                occasion=item.date,
                organisation_id=item.branch_id,
                recipients=tuple(sorted(recipients)),
                title=_("%(name)s: %(what)s on %(date)s")
                % {"name": item.member_name, "what": item.label, "date": item.date.isoformat()},
                link=reverse("member-detail", args=[item.member_id]),
            )
        )
    return occasions


def political_birthdays(today: datetime.date) -> list[Occasion]:
    """To the member on the anniversary of her admission (政治生日)."""
    items = [
        item
        for item in due_items_all_schools(start=today, end=today)
        if item.kind == DueKind.POLITICAL_BIRTHDAY
    ]
    users = dict(
        Member.objects.filter(
            pk__in={i.member_id for i in items}, user__is_active=True
        ).values_list("pk", "user_id")
    )
    return [
        Occasion(
            rule="members.political_birthday",
            subject_key=f"member:{item.member_id}",
            occasion=item.date,
            organisation_id=item.branch_id,
            recipients=(users[item.member_id],),
            title=_("Happy political birthday: %(years)s years in the Party today")
            % {"years": item.years},
            body=_("Today is the anniversary of your admission to the Party (%(date)s).")
            % {"date": item.date.replace(year=item.date.year - item.years).isoformat()},
            link=reverse("member-detail", args=[item.member_id]),
        )
        for item in items
        if users.get(item.member_id)
    ]


def birthday_lists(today: datetime.date) -> list[Occasion]:
    """To each branch secretary at the start of the month: this month's political birthdays."""
    if today.day > LIST_DAYS:
        return []
    first = today.replace(day=1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    items = [
        item
        for item in due_items_all_schools(start=first, end=next_month - datetime.timedelta(days=1))
        if item.kind == DueKind.POLITICAL_BIRTHDAY
    ]
    by_branch: dict[int, list] = defaultdict(list)
    for item in items:
        by_branch[item.branch_id].append(item)
    secretaries = users_with_roles(set(by_branch), (Role.SECRETARY,))
    occasions = []
    for branch_id, branch_items in by_branch.items():
        if not secretaries.get(branch_id):
            continue
        lines = [
            _("%(date)s %(name)s (%(years)s years)")
            % {"date": i.date.strftime("%m-%d"), "name": i.member_name, "years": i.years}
            for i in branch_items
        ]
        occasions.append(
            Occasion(
                rule="members.birthday_list",
                subject_key=f"branch:{branch_id}",
                occasion=first,
                organisation_id=branch_id,
                recipients=tuple(sorted(secretaries[branch_id])),
                title=_("Political birthdays in %(month)s: %(count)s")
                % {"month": first.strftime("%Y-%m"), "count": len(branch_items)},
                body="\n".join(lines),
                link=reverse("member-pipeline"),
            )
        )
    return occasions
