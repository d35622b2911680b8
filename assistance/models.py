"""Party members' mentoring of struggling students (党员结对帮扶学困生).

Where things belong: a **student** belongs to the school (the top organisation), because
a child is a pupil of the school, not of a party branch; a **pairing** carries the branch
of its mentor at the time it was opened, and that branch's secretary looks after it.

Privacy (students are minors): a student's file — name, class, guardian, family notes,
visits' content — is visible to the student's *current* mentor, the secretary of the
pairing's branch and the organisation admin, nobody else. That rule lives in the
querysets below (`scope_condition`), so every fetch through `visible_to` applies it and
anyone else gets a 404. Viewers (the principal) only ever get counts and outcomes.

No HistoricalRecords on students, pairings, visits and assessments on purpose: a history
table would keep the very personal data that retention (`manage.py anonymise_students`)
has to erase. (The school's settings below have a history: they hold no personal data.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchwork.access import Scope, ScopedQuerySet, roles_with
from branchwork.uploads import UploadPath

# The capability under which personal files are fetched, and the one that makes someone a
# manager of the files of their organisations (secretary of the branch, organisation admin).
VIEW_FILE = "assistance.view_student"
MANAGE = "assistance.manage"
# A member's own active pairings (her dashboard): the mentor half of VIEW_FILE alone.
MENTOR = "assistance.mentor"


class AssistanceSettings(models.Model):
    """Per-school rules; a school without a row uses the defaults."""

    organisation = models.OneToOneField(
        "branchwork.Organisation",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="assistance_settings",
    )
    pairing_limit = models.PositiveSmallIntegerField(
        _("active pairings per member"),
        default=2,
        help_text=_("seeds/000: each member mentors 1–2 students."),
    )
    visit_interval_days = models.PositiveSmallIntegerField(
        _("a visit at least every (days)"), default=30
    )
    assessment_interval_days = models.PositiveSmallIntegerField(
        _("an assessment at least every (days)"), default=120
    )
    retention_days = models.PositiveIntegerField(
        _("anonymise files this many days after the student left"), default=365
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assistance settings")
        verbose_name_plural = _("assistance settings")

    def __str__(self) -> str:
        return str(self.organisation)


class StudentStatus(models.TextChoices):
    IN_SCHOOL = "in_school", _("In school")
    LEFT = "left", _("Left the school")
    GRADUATED = "graduated", _("Graduated")


class StudentGender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Closed")


class Reason(models.TextChoices):
    LEARNING = "learning", _("Learning difficulties")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    FAMILY = "family", _("Family")
    BEHAVIOUR = "behaviour", _("Behaviour")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    IMPROVED = "improved", _("Improved")
    STABLE = "stable", _("Stable")
    NOT_IMPROVED = "not_improved", _("Not improved")
    STUDENT_LEFT = "student_left", _("Student left")


class VisitKind(models.TextChoices):
    TUTORING = "tutoring", _("Tutoring")
    TALK = "talk", _("Heart-to-heart talk")
    HOME_VISIT = "home_visit", _("Home visit")
    CALL = "call", _("Phone call")
    OTHER = "other", _("Other")


class Progress(models.TextChoices):
    MUCH_BETTER = "much_better", _("Clear progress")
    BETTER = "better", _("Some progress")
    SAME = "same", _("No change")
    WORSE = "worse", _("Fell back")


def _reach(scope: Scope, capability: str, organisation_field: str) -> Q:
    """Rows whose organisation lies under one where the user holds `capability`, as a
    path-prefix join instead of a separate query for the organisation ids (dashboard
    panels count their queries)."""
    wanted = roles_with(capability)
    condition = Q(pk__in=[])
    for path in sorted({path for role, _org, path in scope.grants if role in wanted}):
        condition |= Q(**{f"{organisation_field}__path__startswith": path})
    return condition


def _managed(scope: Scope) -> frozenset[int]:
    return scope.organisation_ids(MANAGE)


def pairing_condition(scope: Scope, prefix: str = "") -> Q:
    """Pairings whose file the user may see: managed branch, or her own active pairing."""
    return Q(**{f"{prefix}branch_id__in": _managed(scope)}) | Q(
        **{
            f"{prefix}status": PairingStatus.ACTIVE,
            f"{prefix}mentor__user_id": scope.user_id,
        }
    )


def student_manage_condition(managed: frozenset[int]) -> Q:
    """Students a secretary/admin looks after: the admin's school; the secretary's branch's
    active pairings; and the school's students who have no mentor at the moment."""
    from branchwork.models import Organisation

    active = Pairing.objects.filter(student=OuterRef("pk"), status=PairingStatus.ACTIVE)
    schools_reached = Organisation.objects.filter(id__in=managed).values("school_id")
    return (
        Q(school_id__in=managed)
        | Exists(active.filter(branch_id__in=managed))
        | (Q(school_id__in=schools_reached) & ~Exists(active))
    )


class StudentQuerySet(ScopedQuerySet):
    def scope_condition(self, scope: Scope, capability: str) -> Q:
        if capability == MANAGE:
            return student_manage_condition(_managed(scope))
        if capability != VIEW_FILE:
            # Counts-only capabilities reach the school's students by organisation.
            return Q(school_id__in=scope.organisation_ids(capability))
        mentored = Pairing.objects.filter(
            student=OuterRef("pk"), status=PairingStatus.ACTIVE, mentor__user_id=scope.user_id
        )
        return student_manage_condition(_managed(scope)) | Exists(mentored)

    def without_mentor(self) -> StudentQuerySet:
        active = Pairing.objects.filter(student=OuterRef("pk"), status=PairingStatus.ACTIVE)
        return self.filter(status=StudentStatus.IN_SCHOOL).exclude(Exists(active))


class Student(models.Model):
    """A struggling student (学困生). A minor: see the module docstring for who sees this."""

    school = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="students",
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=StudentGender.choices, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_number = models.PositiveSmallIntegerField(_("class"), null=True, blank=True)
    school_year = models.CharField(
        _("school year"), max_length=9, help_text=_("For example 2025-2026.")
    )
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=30, blank=True)
    family_notes = models.TextField(_("family situation"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StudentStatus.choices, default=StudentStatus.IN_SCHOOL
    )
    left_on = models.DateField(_("left or graduated on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["grade", "class_number", "name", "id"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def class_label(self) -> str:
        if self.class_number:
            return _("Grade %(grade)s, class %(number)s") % {
                "grade": self.grade,
                "number": self.class_number,
            }
        return _("Grade %(grade)s") % {"grade": self.grade}


class PairingQuerySet(ScopedQuerySet):
    scope_field = "branch_id"

    def scope_condition(self, scope: Scope, capability: str) -> Q:
        if capability == MENTOR:
            return Q(status=PairingStatus.ACTIVE, mentor__user_id=scope.user_id)
        if capability != VIEW_FILE:
            return _reach(scope, capability, "branch")
        return pairing_condition(scope)

    def active(self) -> PairingQuerySet:
        return self.filter(status=PairingStatus.ACTIVE)


class Pairing(models.Model):
    """A member mentors a student (结对帮扶): opened with reason, goals and plan, closed
    with an outcome. Re-pairing closes this one and opens another: history is kept."""

    mentor = models.ForeignKey(
        "members.Member",
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="pairings"
    )
    branch = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="pairings",
        editable=False,
    )
    started_on = models.DateField(_("start date"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    subjects = models.CharField(
        _("subjects followed"),
        max_length=100,
        blank=True,
        help_text=_("Separate subjects with commas, for example 语文,数学."),
    )
    goals = models.TextField(_("goals"))
    plan = models.TextField(_("plan"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PairingStatus.choices, default=PairingStatus.ACTIVE
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status="active"),
                name="one_active_pairing_per_student",
                violation_error_message=_("This student already has an active pairing."),
            )
        ]
        indexes = [
            models.Index(fields=["branch", "status"]),
            models.Index(fields=["mentor", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.student}"

    @property
    def is_active(self) -> bool:
        return self.status == PairingStatus.ACTIVE

    def subject_list(self) -> list[str]:
        return split_subjects(self.subjects)


def split_subjects(text: str) -> list[str]:
    parts = text.replace("，", ",").replace("、", ",").split(",")
    seen: list[str] = []
    for part in parts:
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


class ByPairingQuerySet(ScopedQuerySet):
    scope_field = "pairing__branch_id"

    def scope_condition(self, scope: Scope, capability: str) -> Q:
        if capability != VIEW_FILE:
            return super().scope_condition(scope, capability)
        return pairing_condition(scope, "pairing__")


class Visit(models.Model):
    """One visit or session (走访/辅导/谈心), often recorded on a phone right after it."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    content = models.TextField(_("what happened"))
    student_state = models.TextField(_("the student's state"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    photo = models.FileField(_("photo"), upload_to=UploadPath("assistance"), blank=True)
    photo_name = models.CharField(max_length=255, blank=True)
    photo_content_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ByPairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["pairing", "date"])]

    def __str__(self) -> str:
        return f"{self.date} · {self.get_kind_display()}"


class Assessment(models.Model):
    """Stage tracking (阶段式跟踪): per term or exam, results and the mentor's assessment."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT, related_name="assessments"
    )
    term = models.CharField(
        _("term or exam"), max_length=50, help_text=_("For example 2025-2026 第一学期期中.")
    )
    assessed_on = models.DateField(_("date"))
    results: Any = models.JSONField(_("results"), default=dict, blank=True)
    progress = models.CharField(_("progress"), max_length=20, choices=Progress.choices)
    assessment = models.TextField(_("mentor's assessment"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ByPairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["assessed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "term"], name="one_assessment_per_term")
        ]

    def __str__(self) -> str:
        return self.term


class StudentAccessQuerySet(ScopedQuerySet):
    def scope_condition(self, scope: Scope, capability: str) -> Q:
        # The log is for managers, about the students they look after.
        return Q(student__in=Student.objects.filter(student_manage_condition(_managed(scope))))


class StudentAccess(models.Model):
    """Who opened which student's file, when (访问记录). Written by every file view."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    page = models.CharField(_("page"), max_length=30)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = StudentAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("file access")
        verbose_name_plural = _("file accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["student", "at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.student_id} · {self.at:%Y-%m-%d %H:%M}"
