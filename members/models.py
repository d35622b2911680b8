"""Party members (党员) and people in the development pipeline (发展党员)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branchwork.access import ScopedQuerySet


class Stage(models.TextChoices):
    """The development pipeline, in order (DOMAIN.md)."""

    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class Status(models.TextChoices):
    """Members are archived, never deleted."""

    ACTIVE = "active", _("Active")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DECEASED = "deceased", _("Deceased")
    REMOVED = "removed", _("Removed")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class MemberQuerySet(ScopedQuerySet):
    scope_field = "organisation_id"

    def active(self) -> MemberQuerySet:
        return self.filter(status=Status.ACTIVE)


class Member(models.Model):
    """A person in a branch: a full or probationary member, or someone in the pipeline."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
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
    application_date = models.DateField(_("application date"), null=True, blank=True)
    activist_date = models.DateField(_("activist since"), null=True, blank=True)
    target_date = models.DateField(_("development target since"), null=True, blank=True)
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    full_membership_date = models.DateField(_("full membership date"), null=True, blank=True)
    subject = models.CharField(_("subject taught"), max_length=30, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=30, blank=True)
    is_backbone_teacher = models.BooleanField(_("backbone teacher"), default=False)
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

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organisation__path", "name", "id"]
        indexes = [models.Index(fields=["organisation", "status", "stage"])]

    def __str__(self) -> str:
        return self.name
