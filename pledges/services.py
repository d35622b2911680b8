"""Every write of the pledges app: the positive list, the pledge state machine, fulfilment
entries and their review, responsibility letters, bands and the 民主评议 grades.

Services check who may act (the views already fetched the object through the user's scope;
this is the second lock, so that a service called from a task or the shell obeys the same
rules) and refuse a move the state machine does not allow, with a translated message.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branchwork.access import scope_for
from branchwork.models import Organisation
from branchwork.uploads import stored_name, validate_upload
from members.models import Member, Stage, Status
from pledges.models import (
    Appraisal,
    AppraisalBands,
    Category,
    EntryStatus,
    Fulfilment,
    Grade,
    LetterItem,
    LetterKind,
    Pledge,
    PledgeStatus,
    ResponsibilityLetter,
    ReviewRound,
)

DEFAULT_CATEGORIES = [
    ("教学示范", "示范课、示范教案、公开课"),
    ("结对帮扶", "结对帮扶学困生、青年教师"),
    ("志愿服务", "家访、社区志愿服务"),
    ("廉洁自律", "拒收礼品礼金、不有偿补课"),
    ("学习提升", "理论学习、业务进修"),
]

# Items of the two letters as seeds/001 describes them; the secretary adjusts per letter.
# The maximum scores are the items' weights: the targets letter adds up to 80 (+10 for
# outstanding work, so that 优秀 at 100 can be reached), the integrity letter to 20.
DEFAULT_LETTER_ITEMS = {
    LetterKind.TARGETS: [
        ("按时参加三会一课和主题党日，认真学习", Decimal("20")),
        ("完成教育教学任务，教学质量达到学校目标", Decimal("25")),
        ("履行党员承诺，结对帮扶学困生", Decimal("20")),
        ("遵守教育法规和师德规范，做六个模范", Decimal("15")),
        ("突出贡献（示范课获奖、表彰等，加分项）", Decimal("10")),
    ],
    LetterKind.INTEGRITY: [
        ("遵守中央八项规定，不收受礼品礼金", Decimal("10")),
        ("不从事有偿补课，不推销教辅资料", Decimal("10")),
    ],
}

# Who may take each step of a pledge: (from states, to state, actor).
OWNER = "owner"
SECRETARY = "secretary"
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None, str]] = {
    "edit": ((PledgeStatus.DRAFT, PledgeStatus.RETURNED), None, OWNER),
    "submit": ((PledgeStatus.DRAFT, PledgeStatus.RETURNED), PledgeStatus.SUBMITTED, OWNER),
    "approve": ((PledgeStatus.SUBMITTED,), PledgeStatus.APPROVED, SECRETARY),
    "return": ((PledgeStatus.SUBMITTED,), PledgeStatus.RETURNED, SECRETARY),
    "amend": ((PledgeStatus.APPROVED,), None, SECRETARY),
    "close": (
        (PledgeStatus.APPROVED,),
        None,  # one of CLOSING_OUTCOMES
        SECRETARY,
    ),
    "log": ((PledgeStatus.APPROVED,), None, OWNER),
}
CLOSING_OUTCOMES = (
    PledgeStatus.FULFILLED,
    PledgeStatus.PARTLY_FULFILLED,
    PledgeStatus.NOT_FULFILLED,
)
PLEDGING_STAGES = (Stage.FULL, Stage.PROBATIONARY)
EVIDENCE_KINDS = ("image", "pdf", "document")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

ACTION_REFUSED = {
    "edit": gettext_lazy("Only a draft or a returned pledge can be edited."),
    "submit": gettext_lazy("Only a draft or a returned pledge can be submitted."),
    "approve": gettext_lazy("Only a pledge awaiting approval can be approved."),
    "return": gettext_lazy("Only a pledge awaiting approval can be returned."),
    "amend": gettext_lazy("Only an approved, open pledge can be changed this way."),
    "close": gettext_lazy("Only an approved, open pledge can be closed."),
    "log": gettext_lazy("Fulfilment can be recorded only for an approved, open pledge."),
}


def is_secretary_of(user: Any, organisation: Organisation) -> bool:
    return scope_for(user).has_in("pledges.manage", organisation)


def allowed_actions(pledge: Pledge, user: Any) -> set[str]:
    """The steps this user may take on this pledge now (pages show these buttons only)."""
    actions = set()
    for action, (sources, _target, actor) in TRANSITIONS.items():
        if pledge.status not in sources:
            continue
        is_owner = actor == OWNER and pledge.member.user_id == user.pk
        if is_owner or (actor == SECRETARY and is_secretary_of(user, pledge.organisation)):
            actions.add(action)
    return actions


def _check(action: str, pledge: Pledge, by: Any) -> None:
    sources, _target, actor = TRANSITIONS[action]
    if actor == OWNER and pledge.member.user_id != by.pk:
        raise PermissionDenied
    if actor == SECRETARY and not is_secretary_of(by, pledge.organisation):
        raise PermissionDenied
    if pledge.status not in sources:
        raise ValidationError(str(ACTION_REFUSED[action]), code="bad_state")


# --- positive list -------------------------------------------------------------------


def ensure_default_categories(*, school: Organisation) -> list[Category]:
    """Seed the five usual headings for a school that has none yet."""
    if not Category.objects.filter(organisation=school).exists():
        for position, (name, description) in enumerate(DEFAULT_CATEGORIES, start=1):
            category = Category(
                organisation=school, name=name, description=description, position=position
            )
            category.full_clean()
            category.save()
    return list(Category.objects.filter(organisation=school))


def category_save(
    *,
    school: Organisation,
    name: str,
    description: str = "",
    position: int = 0,
    is_active: bool = True,
    category: Category | None = None,
    by: Any,
) -> Category:
    if not scope_for(by).has_in("pledges.configure", school):
        raise PermissionDenied
    category = category or Category(organisation=school)
    if category.organisation_id != school.pk:
        raise PermissionDenied
    category.name = name.strip()
    category.description = description.strip()
    category.position = position
    category.is_active = is_active
    category.full_clean()
    category.save()
    return category


# --- pledges -------------------------------------------------------------------------


def _validate_category(category: Category, member: Member) -> None:
    if category.organisation_id != member.organisation.school_id or not category.is_active:
        raise ValidationError({"category": _("Choose a category of your school's positive list.")})


def pledge_create(
    *,
    member: Member,
    category: Category,
    text: str,
    target_amount: Decimal,
    target_unit: str,
    target_text: str,
    due_date: datetime.date,
    year: int | None = None,
    by: Any,
) -> Pledge:
    """A member drafts her own pledge."""
    if member.user_id != by.pk:
        raise PermissionDenied
    if member.status != Status.ACTIVE or member.stage not in PLEDGING_STAGES:
        raise ValidationError(_("Only full and probationary members make pledges."))
    _validate_category(category, member)
    pledge = Pledge(
        member=member,
        organisation=member.organisation,
        year=year or due_date.year,
        category=category,
        text=text.strip(),
        target_amount=target_amount,
        target_unit=target_unit.strip(),
        target_text=target_text.strip(),
        due_date=due_date,
    )
    pledge.full_clean()
    pledge.save()
    return pledge


def _apply_fields(pledge: Pledge, fields: dict[str, Any]) -> None:
    allowed = {"category", "text", "target_amount", "target_unit", "target_text", "due_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown pledge fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(pledge, name, value.strip() if isinstance(value, str) else value)
    if "category" in fields:
        _validate_category(pledge.category, pledge.member)
    if "due_date" in fields and pledge.due_date.year != pledge.year:
        raise ValidationError({"due_date": _("The due date must fall in the pledge's year.")})


@transaction.atomic
def pledge_update(
    *,
    pledge: Pledge,
    category: Category,
    text: str,
    target_amount: Decimal,
    target_unit: str,
    target_text: str,
    due_date: datetime.date,
    by: Any,
) -> Pledge:
    """The member edits her own draft (or a pledge returned to her)."""
    _check("edit", pledge, by)
    _apply_fields(
        pledge,
        {
            "category": category,
            "text": text,
            "target_amount": target_amount,
            "target_unit": target_unit,
            "target_text": target_text,
            "due_date": due_date,
        },
    )
    pledge.change_reason = ""
    pledge.full_clean()
    pledge.save()
    return pledge


@transaction.atomic
def pledge_submit(*, pledge: Pledge, by: Any) -> Pledge:
    _check("submit", pledge, by)
    pledge.status = PledgeStatus.SUBMITTED
    pledge.full_clean()
    pledge.save()
    return pledge


@transaction.atomic
def pledge_approve(*, pledge: Pledge, by: Any) -> Pledge:
    _check("approve", pledge, by)
    pledge.status = PledgeStatus.APPROVED
    pledge.return_comment = ""
    pledge.approved_by = by
    pledge.approved_at = timezone.now()
    pledge.full_clean()
    pledge.save()
    return pledge


@transaction.atomic
def pledge_return(*, pledge: Pledge, comment: str, by: Any) -> Pledge:
    _check("return", pledge, by)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change before returning it.")})
    pledge.status = PledgeStatus.RETURNED
    pledge.return_comment = comment.strip()
    pledge.full_clean()
    pledge.save()
    return pledge


@transaction.atomic
def pledge_amend(
    *,
    pledge: Pledge,
    reason: str,
    text: str,
    target_amount: Decimal,
    target_unit: str,
    target_text: str,
    due_date: datetime.date,
    by: Any,
) -> Pledge:
    """Change a locked (approved) pledge: the secretary gives a reason, history keeps both."""
    _check("amend", pledge, by)
    if not reason.strip():
        raise ValidationError({"reason": _("An approved pledge is changed only with a reason.")})
    _apply_fields(
        pledge,
        {
            "text": text,
            "target_amount": target_amount,
            "target_unit": target_unit,
            "target_text": target_text,
            "due_date": due_date,
        },
    )
    pledge.change_reason = reason.strip()
    pledge.full_clean()
    pledge._change_reason = pledge.change_reason  # simple-history's history_change_reason
    pledge.save()
    return pledge


@transaction.atomic
def pledge_close(*, pledge: Pledge, outcome: str, comment: str = "", by: Any) -> Pledge:
    """Year end: the secretary records whether the pledge was kept."""
    _check("close", pledge, by)
    if outcome not in CLOSING_OUTCOMES:
        raise ValidationError(
            {"outcome": _("Choose fulfilled, partly fulfilled or not fulfilled.")}
        )
    pledge.status = outcome
    pledge.closing_comment = comment.strip()
    pledge.closed_at = timezone.now()
    pledge.full_clean()
    pledge.save()
    return pledge


# --- fulfilment entries --------------------------------------------------------------


def _attach_evidence(entry: Fulfilment, evidence: UploadedFile | None) -> None:
    if evidence is None:
        return
    try:
        detected = validate_upload(evidence, kinds=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"evidence": error.messages}) from None
    entry.evidence.save(stored_name(detected), evidence, save=False)
    entry.evidence_name = (evidence.name or "")[-200:]
    entry.evidence_content_type = detected.content_type


def _check_entry_date(pledge: Pledge, date: datetime.date) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date.year != pledge.year:
        raise ValidationError({"date": _("The date must fall in the pledge's year.")})


@transaction.atomic
def fulfilment_record(
    *,
    pledge: Pledge,
    date: datetime.date,
    description: str,
    amount: Decimal,
    evidence: UploadedFile | None = None,
    by: Any,
) -> Fulfilment:
    """The member logs what she did towards her approved pledge; it awaits review."""
    _check("log", pledge, by)
    _check_entry_date(pledge, date)
    entry = Fulfilment(pledge=pledge, date=date, description=description.strip(), amount=amount)
    entry.full_clean(exclude=["evidence"])
    _attach_evidence(entry, evidence)
    entry.save()
    return entry


@transaction.atomic
def fulfilment_resubmit(
    *,
    entry: Fulfilment,
    date: datetime.date,
    description: str,
    amount: Decimal,
    evidence: UploadedFile | None = None,
    by: Any,
) -> Fulfilment:
    """The member corrects a returned (or not yet reviewed) entry; it awaits review again."""
    if entry.pledge.member.user_id != by.pk:
        raise PermissionDenied
    if entry.status == EntryStatus.ACCEPTED:
        raise ValidationError(_("An accepted entry can no longer be changed."))
    _check("log", entry.pledge, by)
    _check_entry_date(entry.pledge, date)
    entry.date = date
    entry.description = description.strip()
    entry.amount = amount
    entry.status = EntryStatus.PENDING
    entry.full_clean(exclude=["evidence"])
    _attach_evidence(entry, evidence)
    entry.save()
    return entry


@transaction.atomic
def fulfilment_review(*, entry: Fulfilment, accept: bool, comment: str = "", by: Any) -> Fulfilment:
    """The secretary accepts an entry (it counts towards progress) or returns it."""
    if not is_secretary_of(by, entry.pledge.organisation):
        raise PermissionDenied
    if entry.status != EntryStatus.PENDING:
        raise ValidationError(_("This entry has already been reviewed."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say what is missing before returning the entry.")})
    entry.status = EntryStatus.ACCEPTED if accept else EntryStatus.RETURNED
    entry.review_comment = comment.strip()
    entry.reviewed_by = by
    entry.reviewed_at = timezone.now()
    entry.full_clean(exclude=["evidence"])
    entry.save()
    return entry


# --- responsibility letters ----------------------------------------------------------


def in_and_below(organisation: Organisation) -> Q:
    """Rows of a branch itself, or of every branch of a school (letters, appraisals,
    members: anything with an `organisation`)."""
    if organisation.kind == Organisation.Kind.BRANCH:
        return Q(organisation=organisation)
    return Q(organisation__path__startswith=organisation.path)


def appraised_members(organisation: Organisation):
    """Who signs letters and is appraised: the active full and probationary members of a
    branch (or of every branch of a school)."""
    return Member.objects.filter(
        in_and_below(organisation), status=Status.ACTIVE, stage__in=PLEDGING_STAGES
    ).order_by("name", "id")


@transaction.atomic
def letters_issue(*, branch: Organisation, year: int, by: Any) -> int:
    """Prepare both letters with the usual items for every member of the branch who has
    none yet for the year. Returns how many letters were created."""
    if not is_secretary_of(by, branch):
        raise PermissionDenied
    created = 0
    existing = set(
        ResponsibilityLetter.objects.filter(organisation=branch, year=year).values_list(
            "member_id", "kind"
        )
    )
    for member in appraised_members(branch):
        for kind, items in DEFAULT_LETTER_ITEMS.items():
            if (member.pk, kind) in existing:
                continue
            letter = ResponsibilityLetter(member=member, organisation=branch, year=year, kind=kind)
            letter.full_clean()
            letter.save()
            for position, (text, max_score) in enumerate(items, start=1):
                item = LetterItem(letter=letter, position=position, text=text, max_score=max_score)
                item.full_clean()
                item.save()
            created += 1
    return created


@transaction.atomic
def letter_record(
    *,
    letter: ResponsibilityLetter,
    signed_on: datetime.date | None,
    scores: dict[int, Decimal | None],
    weights: dict[int, Decimal] | None = None,
    by: Any,
) -> ResponsibilityLetter:
    """Record the signing date, each item's weight (its maximum score) and its year-end
    score (blank = not scored yet). All or nothing: one bad score changes nothing."""
    if not is_secretary_of(by, letter.organisation):
        raise PermissionDenied
    if signed_on is not None and signed_on.year not in (letter.year - 1, letter.year):
        raise ValidationError({"signed_on": _("The letter is signed at the start of its year.")})
    weights = weights or {}
    items = list(letter.items.all())
    errors = []
    for item in items:
        item.max_score = weights.get(item.pk) or item.max_score
        item.score = scores.get(item.pk, item.score)
        if item.score is not None and item.score > item.max_score:
            errors.append(
                _("“%(item)s”: the score %(score)s is above the maximum %(max)s.")
                % {"item": item.text, "score": item.score, "max": item.max_score}
            )
    if errors:
        raise ValidationError(errors)
    letter.signed_on = signed_on
    letter.full_clean()
    letter.save()
    for item in items:
        item.full_clean()
        item.save()
    return letter


def letter_item_add(
    *, letter: ResponsibilityLetter, text: str, max_score: Decimal, by: Any
) -> LetterItem:
    """Add an item to one member's letter (letters differ by post: 班主任, 教研组长…)."""
    if not is_secretary_of(by, letter.organisation):
        raise PermissionDenied
    last = letter.items.order_by("-position").values_list("position", flat=True).first() or 0
    item = LetterItem(letter=letter, text=text.strip(), max_score=max_score, position=last + 1)
    item.full_clean()
    item.save()
    return item


# --- appraisal -----------------------------------------------------------------------


def bands_for(school: Organisation) -> AppraisalBands:
    """The school's bands; unsaved defaults when the admin has not set any."""
    bands = AppraisalBands.objects.filter(organisation_id=school.pk).first()
    return bands or AppraisalBands(organisation=school)


def bands_save(
    *,
    school: Organisation,
    excellent_from: Decimal,
    qualified_from: Decimal,
    basic_from: Decimal,
    by: Any,
) -> AppraisalBands:
    if not scope_for(by).has_in("pledges.configure", school):
        raise PermissionDenied
    if not (excellent_from > qualified_from > basic_from >= 0):
        raise ValidationError(
            _("The bands must descend: excellent above qualified above basically qualified.")
        )
    bands = bands_for(school)
    bands.excellent_from = excellent_from
    bands.qualified_from = qualified_from
    bands.basic_from = basic_from
    bands.full_clean()
    bands.save()
    return bands


def appraisal_for(*, member: Member, year: int) -> Appraisal:
    appraisal = Appraisal.objects.filter(member=member, year=year).first()
    return appraisal or Appraisal(member=member, organisation=member.organisation, year=year)


def appraisal_self_assess(*, member: Member, year: int, text: str, by: Any) -> Appraisal:
    """The member writes her own self-assessment (自评)."""
    if member.user_id != by.pk:
        raise PermissionDenied
    appraisal = appraisal_for(member=member, year=year)
    appraisal.self_assessment = text.strip()
    appraisal.full_clean()
    appraisal.save()
    return appraisal


def appraisal_comment(*, member: Member, year: int, comment: str, by: Any) -> Appraisal:
    if not is_secretary_of(by, member.organisation):
        raise PermissionDenied
    appraisal = appraisal_for(member=member, year=year)
    appraisal.secretary_comment = comment.strip()
    appraisal.full_clean()
    appraisal.save()
    return appraisal


@dataclass(frozen=True)
class ExcellentShare:
    excellent: int
    graded: int

    @property
    def over_limit(self) -> bool:
        """优秀 is at most one third of the graded members (integers: no rounding)."""
        return self.excellent * 3 > self.graded


class OverLimitNotAcknowledged(ValidationError):
    """More than a third graded 优秀 and the secretary has not acknowledged it."""


@transaction.atomic
def review_grades_record(
    *,
    branch: Organisation,
    year: int,
    grades: dict[int, str],
    acknowledge_over_limit: bool = False,
    by: Any,
) -> ReviewRound:
    """Record the branch's 民主评议 grades for a year (member id → grade or "").

    Probationary members take part but are not graded: a grade for one is refused.
    More than a third 优秀 is allowed only with the secretary's explicit acknowledgement,
    which is recorded on the round.
    """
    if not is_secretary_of(by, branch):
        raise PermissionDenied
    members = {m.pk: m for m in appraised_members(branch)}
    errors = []
    for member_id, grade in grades.items():
        member = members.get(member_id)
        if member is None:
            raise ValidationError(_("A grade was given for someone who is not appraised here."))
        if grade and grade not in Grade.values:
            errors.append(_("“%(grade)s” is not a grade.") % {"grade": grade})
        if grade and member.stage == Stage.PROBATIONARY:
            errors.append(
                _(
                    "%(name)s is a probationary member: probationary members take part "
                    "in the appraisal but are not graded."
                )
                % {"name": member.name}
            )
    if errors:
        raise ValidationError(errors)
    share = ExcellentShare(
        excellent=sum(1 for g in grades.values() if g == Grade.EXCELLENT),
        graded=sum(1 for g in grades.values() if g),
    )
    if share.over_limit and not acknowledge_over_limit:
        raise OverLimitNotAcknowledged(
            _(
                "%(excellent)s of %(graded)s graded members are graded excellent: more than "
                "one third. Confirm that the branch decided so to save these grades."
            )
            % {"excellent": share.excellent, "graded": share.graded},
            code="over_limit",
        )
    for member_id, grade in grades.items():
        appraisal = appraisal_for(member=members[member_id], year=year)
        if appraisal.pk is None or appraisal.review_grade != grade:
            appraisal.review_grade = grade
            appraisal.full_clean()
            appraisal.save()
    round_ = ReviewRound.objects.filter(organisation=branch, year=year).first() or ReviewRound(
        organisation=branch, year=year
    )
    round_.recorded_by = by
    round_.recorded_at = timezone.now()
    round_.excellent_count = share.excellent
    round_.graded_count = share.graded
    round_.over_limit_acknowledged = share.over_limit
    round_.full_clean()
    round_.save()
    return round_
