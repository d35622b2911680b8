"""Party members (党员) and people in the development pipeline (发展党员)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchwork.access import ScopedQuerySet


class Stage(models.TextChoices):
    """The development pipeline, in order (DOMAIN.md)."""

    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")

    @classmethod
    def order(cls) -> list[str]:
        return [stage.value for stage in cls]

    @classmethod
    def next_of(cls, stage: str) -> str | None:
        order = cls.order()
        index = order.index(stage)
        return order[index + 1] if index + 1 < len(order) else None


class Status(models.TextChoices):
    """Members are archived, never deleted."""

    ACTIVE = "active", _("Active")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DECEASED = "deceased", _("Deceased")
    REMOVED = "removed", _("Removed")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY = "secondary", _("Secondary school or below")


class Post(models.TextChoices):
    """Party posts (党内职务)."""

    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation committee member")
    PROPAGANDA = "propaganda", _("Propaganda committee member")
    DISCIPLINE = "discipline", _("Discipline inspection committee member")
    GROUP_LEADER = "group_leader", _("Party group leader")


class MemberQuerySet(ScopedQuerySet):
    scope_field = "organisation_id"

    def active(self) -> MemberQuerySet:
        return self.filter(status=Status.ACTIVE)

    def annotate_school(self) -> MemberQuerySet:
        """Each member's school id as `school_id` (no join beyond the branch)."""
        return self.annotate(school_id=models.F("organisation__school_id"))


class Member(models.Model):
    """A person in a branch: a full or probationary member, or someone in the pipeline."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    id_card = models.CharField(
        _("ID card number"),
        max_length=18,
        blank=True,
        help_text=_("Optional. Shown in full only to the organisation admin and secretary."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    group = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("party group"),
        on_delete=models.PROTECT,
        related_name="group_members",
        null=True,
        blank=True,
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    # Key dates of the pipeline.
    application_date = models.DateField(_("application date"), null=True, blank=True)
    talk_date = models.DateField(_("talk after application"), null=True, blank=True)
    activist_date = models.DateField(_("activist since"), null=True, blank=True)
    last_review_date = models.DateField(_("last activist review"), null=True, blank=True)
    target_date = models.DateField(_("development target since"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(
        _("training hours as development target"), default=0
    )
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    probation_extension_months = models.PositiveSmallIntegerField(
        _("probation extended by (months)"), default=0
    )
    full_membership_date = models.DateField(_("full membership date"), null=True, blank=True)
    contacts = models.ManyToManyField(
        "self",
        verbose_name=_("contacts (培养联系人)"),
        symmetrical=False,
        blank=True,
        related_name="mentees",
    )
    # Teacher facts for 双培养.
    subject = models.CharField(_("subject taught"), max_length=30, blank=True)
    grade_taught = models.CharField(_("grade taught"), max_length=30, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=30, blank=True)
    is_backbone_teacher = models.BooleanField(_("backbone teacher"), default=False)
    # Archive (never delete).
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    archive_reason = models.CharField(_("reason"), max_length=200, blank=True)
    transfer_destination = models.CharField(_("transferred to"), max_length=200, blank=True)
    transferred_in_from = models.CharField(_("transferred in from"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organisation__path", "name", "id"]
        indexes = [
            models.Index(fields=["organisation", "status", "stage"]),
            models.Index(fields=["name", "birth_date"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_card(self) -> str:
        if len(self.id_card) < 8:
            return "*" * len(self.id_card)
        return self.id_card[:4] + "*" * (len(self.id_card) - 8) + self.id_card[-4:]

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE


class MemberPost(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party post")
        verbose_name_plural = _("party posts")
        constraints = [
            models.UniqueConstraint(fields=["member", "post"], name="unique_post_per_member")
        ]

    def __str__(self) -> str:
        return self.get_post_display()


class StageChange(models.Model):
    """One step of a member's pipeline: the timeline on her profile."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Moved to the next stage")
        EXTENSION = "extension", _("Probation extended")
        RECORDED = "recorded", _("Entered with this stage")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="stage_changes")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ADVANCE)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("date"))
    basis = models.CharField(
        _("basis"),
        max_length=300,
        help_text=_("E.g. the branch general meeting of 2024-06-28 that voted."),
    )
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.member} {self.from_stage}→{self.to_stage} {self.date}"


class Transfer(models.Model):
    """Organisation-relationship moves (组织关系转接), kept for the member's history."""

    class Kind(models.TextChoices):
        WITHIN = "within", _("Between branches of the school")
        OUT = "out", _("Transferred out of the school")
        IN = "in", _("Transferred in")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"))
    from_organisation = models.ForeignKey(
        "branchwork.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_organisation = models.ForeignKey(
        "branchwork.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    elsewhere = models.CharField(_("other organisation"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.member} {self.kind} {self.date}"


class PipelineRules(models.Model):
    """The timing rules of 发展党员 for one school; missing → the national defaults.

    Source: 《中国共产党发展党员工作细则》 as quoted in DOMAIN.md.
    """

    organisation = models.OneToOneField(
        "branchwork.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="pipeline_rules",
    )
    talk_within_days = models.PositiveSmallIntegerField(
        _("talk with an applicant within (days)"), default=30
    )
    review_every_months = models.PositiveSmallIntegerField(
        _("review activists every (months)"), default=6
    )
    activist_min_months = models.PositiveSmallIntegerField(
        _("activist training before development target (months)"), default=12
    )
    target_min_training_hours = models.PositiveSmallIntegerField(
        _("training of a development target (class hours)"), default=24
    )
    probation_months = models.PositiveSmallIntegerField(_("probation period (months)"), default=12)
    extension_min_months = models.PositiveSmallIntegerField(
        _("shortest probation extension (months)"), default=6
    )
    extension_max_months = models.PositiveSmallIntegerField(
        _("longest probation extension (months)"), default=12
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pipeline rules")
        verbose_name_plural = _("pipeline rules")

    def __str__(self) -> str:
        return str(self.organisation)
