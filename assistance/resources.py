"""Students and pairings from spreadsheets with Chinese headers, through the kernel's
two-phase `Importer`: every row is checked first (errors by row and column, in Chinese);
only a file without any error is written, in one transaction.

Natural key of a student within the school: name + grade + class. Re-importing the same
list updates the students it matches (only those the importer looks after). A pairing row
names its student by the same key and its mentor by name among the members the importer
manages; the rules of `services.open_pairing` (limit per member, one active pairing per
student, same school) are checked across the database *and* the file's own rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assistance.models import MANAGE, Pairing, Reason, Student, StudentGender
from assistance.services import MENTOR_STAGES, settings_for
from branchwork.access import scope_for
from branchwork.imports import (
    CellError,
    Column,
    Importer,
    ImportResult,
    RowError,
    clean_text,
    column_of,
    parse_choice,
    parse_date,
    validation_errors,
)
from branchwork.models import Organisation
from members.models import Member

GENDER_WORDS = {"男": StudentGender.MALE, "女": StudentGender.FEMALE, "M": "M", "F": "F"}
REASON_WORDS = {
    "学习困难": Reason.LEARNING, "学困": Reason.LEARNING, "学习": Reason.LEARNING,
    "心理": Reason.PSYCHOLOGICAL, "心理问题": Reason.PSYCHOLOGICAL,
    "家庭": Reason.FAMILY, "家庭困难": Reason.FAMILY,
    "行为": Reason.BEHAVIOUR, "行为习惯": Reason.BEHAVIOUR,
    "其他": Reason.OTHER,
    **{reason.value: reason.value for reason in Reason},
}  # fmt: skip
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_number(suffixes: tuple[str, ...], *, low: int, high: int):
    """'4', '4年级', '四年级', '2班' → an int within [low, high]."""

    def parse(value: Any) -> int | None:
        text = clean_text(value)
        for suffix in suffixes:
            text = text.removesuffix(suffix)
        if not text:
            return None
        number = _CN_DIGITS.get(text) or (int(text) if text.isdigit() else None)
        if number is None or not low <= number <= high:
            raise CellError(
                _("“%(value)s” should be a number from %(low)s to %(high)s.")
                % {"value": clean_text(value), "low": low, "high": high}
            )
        return number

    return parse


STUDENT_COLUMNS = [
    Column("name", ("姓名", "学生姓名"), required=True),
    Column("gender", ("性别",), parse_choice(GENDER_WORDS)),
    Column("grade", ("年级",), parse_number(("年级",), low=1, high=12), required=True),
    Column("class_number", ("班级", "班"), parse_number(("班",), low=1, high=99)),
    Column("school_year", ("学年",), required=True),
    Column("guardian_name", ("监护人", "家长")),
    Column("guardian_phone", ("监护人电话", "家长电话", "联系电话")),
    Column("family_notes", ("家庭情况", "备注")),
]
STUDENT_FIELDS = [c.field for c in STUDENT_COLUMNS]
STUDENT_LABELS = {c.field: c.label for c in STUDENT_COLUMNS}

PAIRING_COLUMNS = [
    Column("student", ("学生姓名", "学生"), required=True),
    Column("grade", ("年级",), parse_number(("年级",), low=1, high=12), required=True),
    Column("class_number", ("班级", "班"), parse_number(("班",), low=1, high=99)),
    Column("mentor", ("帮扶党员", "帮扶教师", "党员"), required=True),
    Column("started_on", ("开始日期", "结对日期"), parse_date, required=True),
    Column("reason", ("帮扶原因", "原因"), parse_choice(REASON_WORDS), required=True),
    Column("subjects", ("跟踪学科", "学科")),
    Column("goals", ("帮扶目标", "目标"), required=True),
    Column("plan", ("帮扶计划", "计划")),
]
PAIRING_LABELS = {c.field: c.label for c in PAIRING_COLUMNS}


def _student_key(name: str, grade: int | None, class_number: int | None) -> tuple:
    return (name, grade, class_number)


@dataclass
class PlannedStudent:
    number: int
    student: Student
    is_new: bool
    changed: list[str]


class StudentImporter(Importer):
    columns = STUDENT_COLUMNS
    key_description = "姓名+年级+班级"

    def __init__(self, *, school: Organisation, user: Any) -> None:
        self.school = school
        self.user = user

    def prepare(self) -> None:
        existing = list(Student.objects.filter(school=self.school, anonymised_at__isnull=True))
        self.by_key = {_student_key(s.name, s.grade, s.class_number): s for s in existing}
        self.allowed = set(
            Student.objects.visible_to(self.user, MANAGE)
            .filter(school=self.school)
            .values_list("pk", flat=True)
        )
        self.seen: dict[tuple, int] = {}

    def build_row(self, number: int, values: dict[str, Any], errors: list[RowError]):
        key = _student_key(values["name"], values["grade"], values.get("class_number"))
        if key in self.seen:
            errors.append(
                RowError(
                    number,
                    column_of(values, "name"),
                    _("The same student as in row %(row)s.") % {"row": self.seen[key]},
                )
            )
            return None
        self.seen[key] = number
        existing = self.by_key.get(key)
        if existing is not None and existing.pk not in self.allowed:
            errors.append(
                RowError(
                    number,
                    column_of(values, "name"),
                    _("%(name)s is paired in another branch; only its secretary can change "
                      "the file.") % {"name": existing.name},
                )
            )  # fmt: skip
            return None
        student = existing or Student(school=self.school)
        changed = []
        for name in STUDENT_FIELDS:
            if name not in values:
                continue
            value = values[name]
            if value in (None, ""):
                if existing is not None:
                    continue  # an empty cell does not erase what the file already holds
                value = None if name == "class_number" else ""
            if getattr(student, name) != value:
                setattr(student, name, value)
                changed.append(name)
        try:
            student.full_clean(exclude=["school"], validate_constraints=False)
        except ValidationError as exc:
            errors.extend(validation_errors(number, exc, values, STUDENT_LABELS))
            return None
        return PlannedStudent(number, student, existing is None, changed)

    def describe(self, planned: PlannedStudent) -> dict[str, Any]:
        s = planned.student
        return {
            "row": planned.number,
            "cells": [s.name, s.class_label],
            "action": _("new") if planned.is_new else (
                _("update") if planned.changed else _("unchanged")
            ),
        }  # fmt: skip

    def count_planned(self, planned: list[PlannedStudent], result: ImportResult) -> None:
        result.created = sum(1 for p in planned if p.is_new)
        result.updated = sum(1 for p in planned if not p.is_new and p.changed)
        result.unchanged = len(planned) - result.created - result.updated

    def commit(self, planned: list[PlannedStudent], result: ImportResult) -> None:
        self.count_planned(planned, result)
        Student.objects.bulk_create([p.student for p in planned if p.is_new], batch_size=500)
        updated = [p for p in planned if not p.is_new and p.changed]
        if updated:
            fields = sorted({name for p in updated for name in p.changed})
            Student.objects.bulk_update([p.student for p in updated], fields, batch_size=500)


@dataclass
class PlannedPairing:
    number: int
    pairing: Pairing


class PairingImporter(Importer):
    columns = PAIRING_COLUMNS
    key_description = "学生姓名+年级+班级；帮扶党员按姓名"

    def __init__(self, *, school: Organisation, user: Any) -> None:
        self.school = school
        self.user = user

    def prepare(self) -> None:
        managed = scope_for(self.user).organisation_ids(MANAGE)
        students = Student.objects.visible_to(self.user, MANAGE).filter(
            school=self.school, status="in_school", anonymised_at__isnull=True
        )
        self.students: dict[tuple, list[Student]] = {}
        for s in students:
            self.students.setdefault(_student_key(s.name, s.grade, s.class_number), []).append(s)
        mentors = Member.objects.filter(
            organisation_id__in=managed,
            organisation__school=self.school,
            status="active",
            stage__in=MENTOR_STAGES,
        ).select_related("organisation")
        self.mentors: dict[str, list[Member]] = {}
        for m in mentors:
            self.mentors.setdefault(m.name, []).append(m)
        self.active_students = set(
            Pairing.objects.active()
            .filter(student__school=self.school)
            .values_list("student_id", flat=True)
        )
        self.load = Counter(
            Pairing.objects.active().filter(mentor__in=mentors).values_list("mentor_id", flat=True)
        )
        self.limit = settings_for(self.school).pairing_limit
        self.in_file: dict[int, int] = {}

    def build_row(self, number: int, values: dict[str, Any], errors: list[RowError]):
        key = _student_key(values["student"], values["grade"], values.get("class_number"))
        found = self.students.get(key, [])
        if len(found) != 1:
            errors.append(
                RowError(
                    number,
                    column_of(values, "student"),
                    _("No student %(name)s in grade %(grade)s that you look after; import the "
                      "students first.") % {"name": values["student"], "grade": values["grade"]},
                )
            )  # fmt: skip
            return None
        student = found[0]
        mentors = self.mentors.get(values["mentor"], [])
        if len(mentors) != 1:
            message = (
                _("Two members are called %(name)s; pair them on the page instead.")
                if mentors
                else _("%(name)s is not a full or probationary member of a branch you manage.")
            )
            errors.append(
                RowError(number, column_of(values, "mentor"), message % {"name": values["mentor"]})
            )
            return None
        mentor = mentors[0]
        if student.pk in self.active_students:
            errors.append(
                RowError(
                    number,
                    column_of(values, "student"),
                    _("This student already has an active pairing; close it first to re-pair."),
                )
            )
            return None
        if student.pk in self.in_file:
            errors.append(
                RowError(
                    number,
                    column_of(values, "student"),
                    _("The same student as in row %(row)s.") % {"row": self.in_file[student.pk]},
                )
            )
            return None
        self.in_file[student.pk] = number
        self.load[mentor.pk] += 1
        if self.load[mentor.pk] > self.limit:
            errors.append(
                RowError(
                    number,
                    column_of(values, "mentor"),
                    _("%(name)s already mentors %(limit)s students, the most allowed.")
                    % {"name": mentor.name, "limit": self.limit},
                )
            )
            return None
        pairing = Pairing(
            mentor=mentor,
            student=student,
            branch=mentor.organisation,
            started_on=values["started_on"],
            reason=values["reason"],
            subjects=values.get("subjects", ""),
            goals=values["goals"],
            plan=values.get("plan", ""),
            created_by=self.user,
        )
        try:
            pairing.full_clean(validate_constraints=False)
        except ValidationError as exc:
            errors.extend(validation_errors(number, exc, values, PAIRING_LABELS))
            return None
        return PlannedPairing(number, pairing)

    def describe(self, planned: PlannedPairing) -> dict[str, Any]:
        p = planned.pairing
        return {
            "row": planned.number,
            "cells": [p.student.name, p.mentor.name],
            "action": _("new"),
        }

    def count_planned(self, planned: list[PlannedPairing], result: ImportResult) -> None:
        result.created = len(planned)

    def commit(self, planned: list[PlannedPairing], result: ImportResult) -> None:
        # Through the service, which locks and re-checks every rule: a pairing made on
        # the page since the preview makes the whole import fail, not half of it.
        from assistance.services import open_pairing

        self.count_planned(planned, result)
        for p in planned:
            pairing = p.pairing
            open_pairing(
                mentor=pairing.mentor,
                student=pairing.student,
                started_on=pairing.started_on,
                reason=pairing.reason,
                goals=pairing.goals,
                plan=pairing.plan,
                subjects=pairing.subjects,
                by=self.user,
            )
