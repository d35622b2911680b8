"""Every write of the assistance app: students, pairings, visits, assessments, the access
log, retention. Keyword-only arguments, `full_clean()` before saving."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import (
    Assessment,
    AssistanceSettings,
    Outcome,
    Pairing,
    PairingStatus,
    Student,
    StudentAccess,
    StudentStatus,
    Visit,
)
from branchwork.models import Organisation
from branchwork.uploads import stored_name, validate_upload
from members.models import Member, Stage
from members.models import Status as MemberStatus

PHOTO_MAX_BYTES = 8 * 1024 * 1024
MENTOR_STAGES = (Stage.FULL, Stage.PROBATIONARY)


def settings_for(organisation: Organisation) -> AssistanceSettings:
    """The school's rules (an unsaved row with the defaults when none was configured)."""
    school_id = organisation.school_id or organisation.pk
    found = AssistanceSettings.objects.filter(organisation_id=school_id).first()
    return found or AssistanceSettings(organisation_id=school_id)


# ---------------------------------------------------------------- students


@transaction.atomic
def save_student(*, student: Student, by: Any) -> Student:
    """Create or update a student's file (the form fills the instance).

    A student who leaves or graduates ends her active pairing with the outcome
    "student left", so the mentor's count and the ledger stay true.
    """
    if student.school_id and not student.school.is_school:
        raise ValidationError({"school": _("A student belongs to a school, not a branch.")})
    if student.status == StudentStatus.IN_SCHOOL:
        student.left_on = None
    elif student.left_on is None:
        raise ValidationError({"left_on": _("Give the date the student left or graduated.")})
    student.full_clean()
    student.save()
    if student.status != StudentStatus.IN_SCHOOL:
        for pairing in Pairing.objects.active().filter(student=student):
            close_pairing(
                pairing=pairing,
                closed_on=max(pairing.started_on, min(student.left_on, timezone.localdate())),
                outcome=Outcome.STUDENT_LEFT,
                summary=_("The student left the school."),
                by=by,
            )
    return student


def record_file_access(*, student: Student, user: Any, page: str) -> StudentAccess:
    """Every view of a student's file leaves a row: who, when, which student."""
    entry = StudentAccess(student=student, user=user, page=page)
    entry.full_clean()
    entry.save()
    return entry


# ---------------------------------------------------------------- pairings


@transaction.atomic
def open_pairing(
    *,
    mentor: Member,
    student: Student,
    started_on: datetime.date,
    reason: str,
    goals: str,
    plan: str = "",
    subjects: str = "",
    by: Any = None,
) -> Pairing:
    """Pair a member with a student, within the school's limit per member.

    Rows of the mentor and the student are locked so that two secretaries pairing at the
    same moment cannot exceed the limit; the conditional unique constraint is the last
    guard for "one active pairing per student".
    """
    Member.objects.select_for_update().filter(pk=mentor.pk).first()
    Student.objects.select_for_update().filter(pk=student.pk).first()
    errors: dict[str, list[str]] = {}
    if mentor.status != MemberStatus.ACTIVE or mentor.stage not in MENTOR_STAGES:
        errors.setdefault("mentor", []).append(
            _("Only active full or probationary members can mentor a student.")
        )
    if mentor.organisation.school_id != student.school_id:
        errors.setdefault("mentor", []).append(
            _("The mentor and the student are not in the same school.")
        )
    if student.status != StudentStatus.IN_SCHOOL or student.anonymised_at:
        errors.setdefault("student", []).append(_("This student is no longer at the school."))
    if Pairing.objects.active().filter(student=student).exists():
        errors.setdefault("student", []).append(
            _("This student already has an active pairing; close it first to re-pair.")
        )
    limit = settings_for(mentor.organisation).pairing_limit
    if Pairing.objects.active().filter(mentor=mentor).count() >= limit:
        errors.setdefault("mentor", []).append(
            _("%(name)s already mentors %(limit)s students, the most allowed.")
            % {"name": mentor.name, "limit": limit}
        )
    if errors:
        raise ValidationError(errors)
    pairing = Pairing(
        mentor=mentor,
        student=student,
        branch=mentor.organisation,
        started_on=started_on,
        reason=reason,
        goals=goals,
        plan=plan,
        subjects=subjects,
        created_by=by,
    )
    pairing.full_clean()
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise ValidationError(
            {"student": [_("This student already has an active pairing.")]}
        ) from None
    return pairing


@transaction.atomic
def close_pairing(
    *, pairing: Pairing, closed_on: datetime.date, outcome: str, summary: str, by: Any = None
) -> Pairing:
    """Close with an outcome and a summary; a conditional update refuses a double close."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Write a short summary of the pairing.")})
    if closed_on < pairing.started_on:
        raise ValidationError({"closed_on": _("A pairing cannot close before it started.")})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The date cannot be in the future.")})
    updated = Pairing.objects.filter(pk=pairing.pk, status=PairingStatus.ACTIVE).update(
        status=PairingStatus.CLOSED, closed_on=closed_on, outcome=outcome, summary=summary
    )
    if not updated:
        raise ValidationError(_("This pairing is already closed."))
    pairing.refresh_from_db()
    return pairing


# ---------------------------------------------------------------- visits


def record_visit(
    *,
    pairing: Pairing,
    date: datetime.date,
    kind: str,
    duration_minutes: int,
    content: str,
    student_state: str = "",
    next_step: str = "",
    photo: UploadedFile | None = None,
    by: Any = None,
) -> Visit:
    if not pairing.is_active:
        raise ValidationError(_("This pairing is closed; visits can no longer be added."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date < pairing.started_on:
        raise ValidationError({"date": _("The visit is before the pairing started.")})
    visit = Visit(
        pairing=pairing,
        date=date,
        kind=kind,
        duration_minutes=duration_minutes,
        content=content,
        student_state=student_state,
        next_step=next_step,
        recorded_by=by,
    )
    if photo is not None:
        detected = validate_upload(photo, kinds=["image"], max_bytes=PHOTO_MAX_BYTES)
        visit.photo_name = (photo.name or "")[:255]
        visit.photo_content_type = detected.content_type
        visit.full_clean(exclude=["photo"])
        with transaction.atomic():
            visit.photo.save(stored_name(detected), photo, save=False)
            visit.save()
        return visit
    visit.full_clean()
    visit.save()
    return visit


# ---------------------------------------------------------------- stage tracking


def parse_score(text: str) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0 or value > 1000:
        raise ValueError(text)
    return float(value)


def record_assessment(
    *,
    pairing: Pairing,
    term: str,
    assessed_on: datetime.date,
    results: dict[str, float | None],
    progress: str,
    assessment: str,
) -> Assessment:
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    if Assessment.objects.filter(pairing=pairing, term=term.strip()).exists():
        raise ValidationError({"term": _("This term already has an assessment.")})
    row = Assessment(
        pairing=pairing,
        term=term.strip(),
        assessed_on=assessed_on,
        results={k: v for k, v in results.items() if v is not None},
        progress=progress,
        assessment=assessment,
    )
    row.full_clean()
    row.save()
    return row


# ---------------------------------------------------------------- retention


def anonymisable(*, today: datetime.date) -> list[Student]:
    """Students who left or graduated longer ago than their school's retention period."""
    due = []
    candidates = Student.objects.filter(anonymised_at__isnull=True, left_on__isnull=False).exclude(
        status=StudentStatus.IN_SCHOOL
    )
    rules: dict[int, AssistanceSettings] = {}
    for student in candidates.select_related("school"):
        if student.school_id not in rules:
            rules[student.school_id] = settings_for(student.school)
        keep = datetime.timedelta(days=rules[student.school_id].retention_days)
        if student.left_on + keep <= today:
            due.append(student)
    return due


@transaction.atomic
def anonymise_student(*, student: Student) -> Student:
    """Erase what identifies the child; keep every row so that counts of pairings, visits
    and outcomes stay correct. Photos are deleted from storage."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    if student.anonymised_at:
        return student
    # The placeholder is stored, so it is written in the school's default language.
    student.name = f"学生#{student.pk}"
    student.gender = ""
    student.class_number = None
    student.guardian_name = ""
    student.guardian_phone = ""
    student.family_notes = ""
    student.anonymised_at = timezone.now()
    student.full_clean()
    student.save()
    pairings = Pairing.objects.filter(student=student)
    pairings.update(goals="—", plan="", summary="")
    for visit in Visit.objects.filter(pairing__student=student).exclude(photo=""):
        visit.photo.delete(save=False)
    Visit.objects.filter(pairing__student=student).update(
        content="—", student_state="", next_step="", photo="", photo_name="", photo_content_type=""
    )
    Assessment.objects.filter(pairing__student=student).update(assessment="—")
    return student


# ---------------------------------------------------------------- imports


def import_students(
    *, data: bytes, filename: str, school: Organisation, user: Any, commit: bool, progress=None
):
    """Two-phase import of a student list (columns in assistance/resources.py)."""
    from assistance.resources import StudentImporter

    return StudentImporter(school=school, user=user).run(
        data, filename, commit=commit, progress=progress
    )


def import_pairings(
    *, data: bytes, filename: str, school: Organisation, user: Any, commit: bool, progress=None
):
    """Two-phase import of pairings; every rule of `open_pairing` is checked per row."""
    from assistance.resources import PairingImporter

    return PairingImporter(school=school, user=user).run(
        data, filename, commit=commit, progress=progress
    )


IMPORTS = {"students": import_students, "pairings": import_pairings}
