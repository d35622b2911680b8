"""Every write to members: records, the pipeline with its rules, transfers, archive.

Each function validates before it saves and raises a translated ValidationError that
the page shows as it is; nothing is half-written (each runs in one transaction).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branchwork.models import Organisation
from members.models import (
    Member,
    MemberPost,
    PipelineRules,
    Stage,
    StageChange,
    Status,
    Transfer,
)

# Which date field records the day a member entered each stage.
STAGE_DATE_FIELD = {
    Stage.APPLICANT: "application_date",
    Stage.ACTIVIST: "activist_date",
    Stage.TARGET: "target_date",
    Stage.PROBATIONARY: "admission_date",
    Stage.FULL: "full_membership_date",
}
DATE_ORDER = [STAGE_DATE_FIELD[stage] for stage in Stage]


def add_months(date: datetime.date, months: int) -> datetime.date:
    """Calendar months; the 31st becomes the month's last day (1 Aug + 6 = 1 Feb)."""
    month_index = date.month - 1 + months
    year = date.year + month_index // 12
    month = month_index % 12 + 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def rules_for(organisation: Organisation) -> PipelineRules:
    """The school's pipeline rules, or the national defaults if it has not set any."""
    school_id = organisation.school_id or organisation.pk
    rules = PipelineRules.objects.filter(organisation_id=school_id).first()
    return rules or PipelineRules(organisation_id=school_id)


def probation_end(member: Member, rules: PipelineRules) -> datetime.date | None:
    if member.admission_date is None:
        return None
    return add_months(
        member.admission_date, rules.probation_months + member.probation_extension_months
    )


def earliest_target_date(member: Member, rules: PipelineRules) -> datetime.date | None:
    if member.activist_date is None:
        return None
    return add_months(member.activist_date, rules.activist_min_months)


def _fmt(date: datetime.date) -> str:
    return date_format(date, "DATE_FORMAT")


def check_dates(member: Member) -> None:
    """Key dates must follow the pipeline's order and the stage must have its date."""
    errors: dict[str, list[str]] = {}
    previous_field, previous = None, None
    for field_name in DATE_ORDER:
        value = getattr(member, field_name)
        if value is None:
            continue
        if previous is not None and value < previous:
            errors.setdefault(field_name, []).append(
                _("This date is before the %(previous)s (%(date)s).")
                % {
                    "previous": Member._meta.get_field(previous_field).verbose_name,
                    "date": _fmt(previous),
                }
            )
        previous_field, previous = field_name, value
    if member.stage in (Stage.PROBATIONARY, Stage.FULL) and member.admission_date is None:
        errors.setdefault("admission_date", []).append(
            _("A probationary or full member needs an admission date.")
        )
    today = timezone.localdate()
    for field_name in DATE_ORDER:
        value = getattr(member, field_name)
        if value is not None and value > today:
            errors.setdefault(field_name, []).append(_("This date is in the future."))
    if errors:
        raise ValidationError(errors)


def _check_placement(organisation: Organisation, group: Organisation | None) -> None:
    if organisation.kind != Organisation.Kind.BRANCH:
        raise ValidationError({"organisation": _("A member belongs to a party branch.")})
    if group is not None and group.parent_id != organisation.pk:
        raise ValidationError({"group": _("This party group is not part of the branch.")})


@transaction.atomic
def create_member(
    *,
    organisation: Organisation,
    by: Any,
    group: Organisation | None = None,
    posts: Iterable[str] = (),
    transferred_in_on: datetime.date | None = None,
    **fields: Any,
) -> Member:
    """A new member record; with `transferred_in_from` it is a transfer in."""
    _check_placement(organisation, group)
    member = Member(organisation=organisation, group=group, **fields)
    member.full_clean()
    check_dates(member)
    member._change_reason = _("Created")
    member.save()
    set_posts(member=member, posts=posts)
    StageChange.objects.create(
        member=member,
        kind=StageChange.Kind.RECORDED,
        to_stage=member.stage,
        date=getattr(member, STAGE_DATE_FIELD[Stage(member.stage)]) or timezone.localdate(),
        basis=_("Entered in Branchwork"),
        recorded_by=by,
    )
    if member.transferred_in_from:
        Transfer.objects.create(
            member=member,
            kind=Transfer.Kind.IN,
            date=transferred_in_on or timezone.localdate(),
            to_organisation=organisation,
            elsewhere=member.transferred_in_from,
            recorded_by=by,
        )
    return member


# Stage and placement change only through the pipeline and transfer services.
EDITABLE_FIELDS = {
    "name", "gender", "birth_date", "ethnicity", "education", "id_card", "phone", "email",
    "group", "subject", "grade_taught", "professional_title", "is_backbone_teacher",
    "application_date", "talk_date", "activist_date", "last_review_date", "target_date",
    "training_hours", "admission_date", "full_membership_date",
}  # fmt: skip


@transaction.atomic
def update_member(
    *, member: Member, by: Any, posts: Iterable[str] | None = None, **fields: Any
) -> Member:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if not member.is_active:
        raise ValidationError(_("An archived member's record cannot be changed."))
    for name, value in fields.items():
        setattr(member, name, value)
    _check_placement(member.organisation, member.group)
    member.full_clean()
    check_dates(member)
    member._change_reason = _("Edited")
    member.save()
    if posts is not None:
        set_posts(member=member, posts=posts)
    return member


def set_posts(*, member: Member, posts: Iterable[str]) -> None:
    wanted = set(posts)
    current = set(member.posts.values_list("post", flat=True))
    MemberPost.objects.filter(member=member, post__in=current - wanted).delete()
    bulk_create_with_history(
        [MemberPost(member=member, post=post) for post in sorted(wanted - current)], MemberPost
    )


@transaction.atomic
def set_contacts(*, member: Member, contacts: Iterable[Member]) -> None:
    """培养联系人: 1–2 full or probationary members of the same school."""
    contacts = list(contacts)
    if member.stage not in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET):
        raise ValidationError(_("Only applicants, activists and targets have contacts."))
    if len(contacts) > 2:
        raise ValidationError(_("At most two contacts (培养联系人)."))
    for contact in contacts:
        if contact.pk == member.pk:
            raise ValidationError(_("A person cannot be her own contact."))
        if contact.stage not in (Stage.PROBATIONARY, Stage.FULL) or not contact.is_active:
            raise ValidationError(
                _("%(name)s is not a party member and cannot be a contact.")
                % {"name": contact.name}
            )
        if contact.organisation.school_id != member.organisation.school_id:
            raise ValidationError(_("Contacts must be members of the same school."))
    member.contacts.set(contacts)


@transaction.atomic
def advance_stage(
    *,
    member: Member,
    to_stage: str,
    date: datetime.date,
    basis: str,
    by: Any,
) -> StageChange:
    """Move a member one stage on, refusing moves that break the rules."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    rules = rules_for(member.organisation)
    if not member.is_active:
        raise ValidationError(_("An archived member cannot move in the pipeline."))
    expected = Stage.next_of(member.stage)
    if expected is None:
        raise ValidationError(_("A full member has no further stage."))
    if to_stage != expected:
        raise ValidationError(
            _("Stages cannot be skipped: after “%(current)s” comes “%(next)s”.")
            % {"current": Stage(member.stage).label, "next": Stage(expected).label}
        )
    if not basis.strip():
        raise ValidationError({"basis": _("Say on what basis (e.g. which meeting voted).")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("This date is in the future.")})
    current_date = getattr(member, STAGE_DATE_FIELD[Stage(member.stage)])
    if current_date and date < current_date:
        raise ValidationError(
            {"date": _("The date is before the member entered the current stage (%(date)s).")
             % {"date": _fmt(current_date)}}
        )  # fmt: skip
    if to_stage == Stage.TARGET:
        earliest = earliest_target_date(member, rules)
        if earliest is None:
            raise ValidationError(_("The activist date is missing; record it first."))
        if date < earliest:
            raise ValidationError(
                _(
                    "An activist is trained for at least %(months)s months before becoming a "
                    "development target; %(name)s can become one on %(date)s at the earliest."
                )
                % {"months": rules.activist_min_months, "name": member.name,
                   "date": _fmt(earliest)}
            )  # fmt: skip
    if to_stage == Stage.PROBATIONARY and member.training_hours < rules.target_min_training_hours:
        raise ValidationError(
            _(
                "A development target needs at least %(hours)s class hours of training "
                "before admission; %(done)s are recorded."
            )
            % {"hours": rules.target_min_training_hours, "done": member.training_hours}
        )
    if to_stage == Stage.FULL:
        end = probation_end(member, rules)
        if end is None or date < end:
            raise ValidationError(
                _("The probation period ends on %(date)s; the vote on full membership "
                  "(转正) can only be taken from then on.")
                % {"date": _fmt(end) if end else "—"}
            )  # fmt: skip
    change = StageChange(
        member=member,
        from_stage=member.stage,
        to_stage=to_stage,
        date=date,
        basis=basis.strip(),
        recorded_by=by,
    )
    change.full_clean()
    change.save()
    member.stage = to_stage
    setattr(member, STAGE_DATE_FIELD[Stage(to_stage)], date)
    member._change_reason = _("Stage changed")
    member.save()
    return change


@transaction.atomic
def extend_probation(
    *, member: Member, months: int, date: datetime.date, basis: str, by: Any
) -> StageChange:
    """延长预备期: once, by 6–12 months (configurable), decided before probation ends."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    rules = rules_for(member.organisation)
    if member.stage != Stage.PROBATIONARY or not member.is_active:
        raise ValidationError(_("Only a probationary member's probation can be extended."))
    if member.probation_extension_months:
        raise ValidationError(_("The probation period has already been extended once."))
    if not rules.extension_min_months <= months <= rules.extension_max_months:
        raise ValidationError(
            {"months": _("An extension is between %(min)s and %(max)s months.")
             % {"min": rules.extension_min_months, "max": rules.extension_max_months}}
        )  # fmt: skip
    end = probation_end(member, rules)
    if end is not None and date > end:
        raise ValidationError(
            {"date": _("The probation period already ended on %(date)s.") % {"date": _fmt(end)}}
        )
    if not basis.strip():
        raise ValidationError({"basis": _("Say on what basis (e.g. which meeting voted).")})
    change = StageChange.objects.create(
        member=member,
        kind=StageChange.Kind.EXTENSION,
        from_stage=Stage.PROBATIONARY,
        to_stage=Stage.PROBATIONARY,
        date=date,
        months=months,
        basis=basis.strip(),
        recorded_by=by,
    )
    member.probation_extension_months = months
    member._change_reason = _("Probation extended")
    member.save()
    return change


@transaction.atomic
def record_talk(*, member: Member, date: datetime.date, by: Any) -> Member:
    return update_member(member=member, by=by, talk_date=date)


@transaction.atomic
def record_review(*, member: Member, date: datetime.date, by: Any) -> Member:
    if member.stage != Stage.ACTIVIST:
        raise ValidationError(_("Only activists are reviewed every six months."))
    return update_member(member=member, by=by, last_review_date=date)


@transaction.atomic
def transfer_within(
    *,
    member: Member,
    to_branch: Organisation,
    to_group: Organisation | None,
    date: datetime.date,
    reason: str,
    by: Any,
) -> Transfer:
    """Move a member to another branch of the same school; the old branch stays in history."""
    if not member.is_active:
        raise ValidationError(_("An archived member cannot be transferred."))
    if to_branch.school_id != member.organisation.school_id:
        raise ValidationError(
            {"to_branch": _("Use “transfer out” for a branch outside the school.")}
        )
    if to_branch.pk == member.organisation_id:
        raise ValidationError({"to_branch": _("The member is already in this branch.")})
    _check_placement(to_branch, to_group)
    transfer = Transfer.objects.create(
        member=member,
        kind=Transfer.Kind.WITHIN,
        date=date,
        from_organisation=member.organisation,
        to_organisation=to_branch,
        reason=reason,
        recorded_by=by,
    )
    member.organisation, member.group = to_branch, to_group
    member._change_reason = _("Transferred between branches")
    member.save()
    member.posts.all().delete()  # posts belong to the old branch
    return transfer


@transaction.atomic
def transfer_out(
    *, member: Member, date: datetime.date, destination: str, reason: str, by: Any
) -> Transfer:
    """组织关系转出: the member is archived with where she went and why."""
    if not member.is_active:
        raise ValidationError(_("This member is already archived."))
    if not destination.strip():
        raise ValidationError({"destination": _("Say where the member is transferred to.")})
    transfer = Transfer.objects.create(
        member=member,
        kind=Transfer.Kind.OUT,
        date=date,
        from_organisation=member.organisation,
        elsewhere=destination.strip(),
        reason=reason,
        recorded_by=by,
    )
    member.status = Status.TRANSFERRED_OUT
    member.archived_on = date
    member.transfer_destination = destination.strip()
    member.archive_reason = reason
    member._change_reason = _("Transferred out")
    member.save()
    return transfer


@transaction.atomic
def archive_member(
    *, member: Member, status: str, date: datetime.date, reason: str, by: Any
) -> Member:
    """Deceased or removed: archived, never deleted."""
    if status not in (Status.DECEASED, Status.REMOVED):
        raise ValidationError({"status": _("Choose deceased or removed.")})
    if not member.is_active:
        raise ValidationError(_("This member is already archived."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    member.status = status
    member.archived_on = date
    member.archive_reason = reason.strip()
    member._change_reason = Status(status).label
    member.save()
    return member


def save_rules(*, organisation: Organisation, by: Any, **values: int) -> PipelineRules:
    rules = rules_for(organisation)
    for name, value in values.items():
        setattr(rules, name, value)
    if rules.extension_min_months > rules.extension_max_months:
        raise ValidationError(
            {"extension_min_months": _("The shortest extension is longer than the longest.")}
        )
    rules.full_clean()
    rules.save()
    return rules


def import_members(
    *, data: bytes, filename: str, school: Organisation, user: Any, commit: bool, progress=None
):
    """Two-phase import of a roster spreadsheet (see members/resources.py for the columns
    and the natural key). With commit=False only validates; with commit=True writes every
    row in one transaction, or nothing if any row has an error."""
    from members.resources import MemberImporter

    return MemberImporter(school=school, user=user).run(
        data, filename, commit=commit, progress=progress
    )
