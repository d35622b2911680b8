"""Pledges (承诺践诺台账), responsibility letters (责任书) and the annual appraisal.

A member pledges under a category of her school's positive list (正面清单); the branch
secretary approves the pledge, reviews the fulfilment entries (践诺记录) the member logs
against it and closes it at year end. Each year the member also signs two responsibility
letters whose items are scored at year end; the sum of the scores gives the appraisal
grade by the school's bands, beside the 民主评议 grade the branch records.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchwork.access import Scope, ScopedQuerySet
from branchwork.uploads import UploadPath


def _school_ids(scope: Scope, capability: str):
    """The schools of every organisation where the capability holds (a subquery)."""
    from branchwork.models import Organisation

    return Organisation.objects.filter(id__in=scope.organisation_ids(capability)).values(
        "school_id"
    )


def own_or_managed(scope: Scope, capability: str, prefix: str = "") -> Q:
    """Who reaches a member's pledge, entry, letter or appraisal.

    ``pledges.own``: the member herself only (so "a member edits only her own drafts" is
    enforced where the object is fetched); ``pledges.view``: herself, or who keeps the
    branch's ledger; any other capability: the branches where it holds.
    """
    own = Q(**{f"{prefix}member__user_id": scope.user_id})
    if capability == "pledges.own":
        return own
    if capability == "pledges.view":
        ledger = scope.organisation_ids("pledges.view_ledger")
        return own | Q(**{f"{prefix}organisation_id__in": ledger})
    return Q(**{f"{prefix}organisation_id__in": scope.organisation_ids(capability)})


class CategoryQuerySet(ScopedQuerySet):
    """A school's positive list is visible to everyone of that school."""

    def scope_condition(self, scope: Scope, capability: str) -> Q:
        return Q(organisation_id__in=_school_ids(scope, capability))


class Category(models.Model):
    """One heading of the school's positive list (正面清单) that members pledge under."""

    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="pledge_categories",
    )
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = CategoryQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("positive list category")
        verbose_name_plural = _("positive list categories")
        ordering = ["organisation_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_pledge_category_per_school"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PledgeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")


# States the member may still edit (her own drafts), states shown on the wall.
EDITABLE_STATUSES = (PledgeStatus.DRAFT, PledgeStatus.RETURNED)
PUBLIC_STATUSES = (
    PledgeStatus.APPROVED,
    PledgeStatus.FULFILLED,
    PledgeStatus.PARTLY_FULFILLED,
    PledgeStatus.NOT_FULFILLED,
)
CLOSED_STATUSES = PUBLIC_STATUSES[1:]


class PledgeQuerySet(ScopedQuerySet):
    """Managers see their branches' pledges; every member sees her own."""

    def scope_condition(self, scope: Scope, capability: str) -> Q:
        return own_or_managed(scope, capability)

    def editable(self) -> PledgeQuerySet:
        return self.filter(status__in=EDITABLE_STATUSES)


class Pledge(models.Model):
    """A member's public commitment for a year, with a measurable target."""

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="pledges"
    )
    # The member's branch when she pledged: the ledger stays with the branch.
    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="pledges"
    )
    text = models.TextField(_("pledge"), max_length=1000)
    target_amount = models.DecimalField(
        _("target amount"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    target_unit = models.CharField(_("unit"), max_length=10)
    target_text = models.CharField(_("target"), max_length=100)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT
    )
    return_comment = models.CharField(_("secretary's comment"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closing_comment = models.CharField(_("closing comment"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Why an approved pledge was changed; kept in the history with each change.
    change_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["year", "member__name", "category__position", "id"]
        indexes = [
            models.Index(fields=["organisation", "year", "status"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.year} · {self.target_text}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class FulfilmentQuerySet(ScopedQuerySet):
    def scope_condition(self, scope: Scope, capability: str) -> Q:
        return own_or_managed(scope, capability, prefix="pledge__")


class Fulfilment(models.Model):
    """A 践诺记录: what the member did towards her pledge, reviewed by the secretary."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="entries"
    )
    date = models.DateField(_("date"))
    description = models.TextField(_("what was done"), max_length=2000)
    amount = models.DecimalField(
        _("progress"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("How much of the target this counts for (in the pledge's unit)."),
    )
    evidence = models.FileField(_("evidence"), upload_to=UploadPath("pledges"), blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("review"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FulfilmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fulfilment entry")
        verbose_name_plural = _("fulfilment entries")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["pledge", "status"])]

    def __str__(self) -> str:
        return f"{self.pledge} · {self.date}"


class LetterKind(models.TextChoices):
    TARGETS = "targets", _("Target management letter")  # 目标管理责任书
    INTEGRITY = "integrity", _("Integrity letter")  # 党风廉政建设责任书


class BranchScopedQuerySet(ScopedQuerySet):
    """Letters and appraisals: the branch's managers, and the member for her own."""

    def scope_condition(self, scope: Scope, capability: str) -> Q:
        return own_or_managed(scope, capability)


class ResponsibilityLetter(models.Model):
    """One of the two letters a member signs at the start of the year (seeds/001)."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="responsibility_letters",
    )
    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="responsibility_letters",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("letter"), max_length=10, choices=LetterKind.choices)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["year", "member__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "kind"], name="unique_letter_per_member_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.year} · {self.get_kind_display()}"


class LetterItem(models.Model):
    """An item of a letter; its maximum score is its weight in the appraisal."""

    letter = models.ForeignKey(
        ResponsibilityLetter,
        verbose_name=_("letter"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=300)
    max_score = models.DecimalField(
        _("weight (maximum score)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("letter item")
        verbose_name_plural = _("letter items")
        ordering = ["letter_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASIC = "basic", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


class AppraisalBands(models.Model):
    """The school's score bands (seeds/001 defaults: 100 / 80 / 60)."""

    organisation = models.OneToOneField(
        "branchwork.Organisation",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="appraisal_bands",
    )
    excellent_from = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=1, default=Decimal("100")
    )
    qualified_from = models.DecimalField(
        _("qualified from"), max_digits=5, decimal_places=1, default=Decimal("80")
    )
    basic_from = models.DecimalField(
        _("basically qualified from"), max_digits=5, decimal_places=1, default=Decimal("60")
    )

    history = HistoricalRecords()
    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal bands")
        verbose_name_plural = _("appraisal bands")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.excellent_from}/{self.qualified_from}/{self.basic_from}"


class Appraisal(models.Model):
    """A member's year-end appraisal: self-assessment, 民主评议 grade, secretary's comment.

    The score is not stored: it is the sum of the letters' item scores, graded by the
    school's bands when read (selectors.appraisal_rows).
    """

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    self_assessment = models.TextField(_("self-assessment"), max_length=3000, blank=True)
    secretary_comment = models.TextField(_("secretary's comment"), max_length=2000, blank=True)
    review_grade = models.CharField(
        _("democratic appraisal grade"), max_length=12, choices=Grade.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = BranchScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["year", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="unique_appraisal_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.year}"


class ReviewRound(models.Model):
    """The branch's 民主评议 for a year: who recorded the grades, and whether more than a
    third were graded 优秀 with the secretary's explicit acknowledgement."""

    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="review_rounds",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    excellent_count = models.PositiveSmallIntegerField(_("graded excellent"), default=0)
    graded_count = models.PositiveSmallIntegerField(_("graded members"), default=0)
    over_limit_acknowledged = models.BooleanField(
        _("more than a third excellent, acknowledged"), default=False
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("democratic appraisal round")
        verbose_name_plural = _("democratic appraisal rounds")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="unique_round_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}"
