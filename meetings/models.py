"""三会一课 and the other branch meetings: rules, meetings, attendance, decisions, files."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchwork.access import ScopedQuerySet
from branchwork.uploads import UploadPath


class MeetingType(models.TextChoices):
    GENERAL = "general", _("Branch general meeting")  # 支部党员大会
    COMMITTEE = "committee", _("Branch committee meeting")  # 支委会
    GROUP = "group", _("Party group meeting")  # 党小组会
    LECTURE = "lecture", _("Party lecture")  # 党课
    THEME_DAY = "theme_day", _("Theme party day")  # 主题党日
    LIFE = "life", _("Organisational life meeting")  # 组织生活会
    APPRAISAL = "appraisal", _("Democratic appraisal of members")  # 民主评议党员
    JOINT = "joint", _("Joint party–administration meeting")  # 党政联席会议
    OTHER = "other", _("Other meeting")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    TERM = "term", _("Per school term")
    YEARLY = "yearly", _("Yearly")
    NONE = "none", _("No requirement")


class Quorum(models.TextChoices):
    NONE = "none", _("No quorum")
    MAJORITY = "majority", _("More than half of those expected")
    TWO_THIRDS = "two_thirds", _("At least two thirds of those expected")


class MeetingRule(models.Model):
    """How often a school's branches must hold one type of meeting, and its quorum.

    Stored against the school's top organisation (党委/党总支); every branch below inherits
    it. Types without a row use DEFAULT_RULES (DOMAIN.md).
    """

    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="meeting_rules",
    )
    meeting_type = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    times = models.PositiveSmallIntegerField(
        _("times per period"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    quorum = models.CharField(
        _("quorum"), max_length=20, choices=Quorum.choices, default=Quorum.NONE
    )

    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting rule")
        verbose_name_plural = _("meeting rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "meeting_type"], name="unique_meeting_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_meeting_type_display()}"


# (frequency, times, quorum) per type: DOMAIN.md "Usual minimum frequencies".
DEFAULT_RULES: dict[str, tuple[str, int, str]] = {
    MeetingType.GENERAL: (Frequency.QUARTERLY, 1, Quorum.MAJORITY),
    MeetingType.COMMITTEE: (Frequency.MONTHLY, 1, Quorum.MAJORITY),
    MeetingType.GROUP: (Frequency.MONTHLY, 1, Quorum.NONE),
    MeetingType.LECTURE: (Frequency.QUARTERLY, 1, Quorum.NONE),
    MeetingType.THEME_DAY: (Frequency.MONTHLY, 1, Quorum.NONE),
    MeetingType.LIFE: (Frequency.YEARLY, 1, Quorum.MAJORITY),
    MeetingType.APPRAISAL: (Frequency.YEARLY, 1, Quorum.MAJORITY),
    MeetingType.JOINT: (Frequency.NONE, 1, Quorum.MAJORITY),
    MeetingType.OTHER: (Frequency.NONE, 1, Quorum.NONE),
}


class SchoolTerms(models.Model):
    """When the school's terms start: autumn term Sep 1 – Jan 31, spring Feb 1 – Aug 31."""

    organisation = models.OneToOneField(
        "branchwork.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="school_terms",
    )
    spring_starts_month = models.PositiveSmallIntegerField(
        _("spring term starts (month)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    autumn_starts_month = models.PositiveSmallIntegerField(
        _("autumn term starts (month)"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school terms")
        verbose_name_plural = _("school terms")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        if self.spring_starts_month >= self.autumn_starts_month:
            raise ValidationError(
                {"autumn_starts_month": _("The autumn term must start after the spring term.")}
            )


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    ARCHIVED = "archived", _("Archived")


class MeetingQuerySet(ScopedQuerySet):
    scope_field = "organisation_id"

    def held(self) -> MeetingQuerySet:
        return self.exclude(status=MeetingStatus.PLANNED)


def new_checkin_secret() -> str:
    return secrets.token_urlsafe(16)


class Meeting(models.Model):
    """One meeting record (会议记录) of a branch, a party group or the school committee."""

    organisation = models.ForeignKey(
        "branchwork.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    meeting_type = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    host = models.ForeignKey(
        "members.Member",
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name=_("recorder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lecture_title = models.CharField(_("lecture title"), max_length=200, blank=True)
    lecturer = models.CharField(_("lecturer"), max_length=50, blank=True)
    # Rich text, sanitised by meetings.richtext before every save.
    topics = models.TextField(_("topics"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    checkin_secret = models.CharField(max_length=40, default=new_checkin_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["checkin_secret"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.status == MeetingStatus.ARCHIVED

    @property
    def is_lecture(self) -> bool:
        return self.meeting_type == MeetingType.LECTURE

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The meeting cannot end before it starts.")})
        if self.meeting_type == MeetingType.LECTURE and not self.lecture_title:
            raise ValidationError({"lecture_title": _("A party lecture needs its title.")})


class AttendanceStatus(models.TextChoices):
    PENDING = "pending", _("Not marked")
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")  # 请假
    ABSENT = "absent", _("Absent")  # 缺席


class AttendanceQuerySet(ScopedQuerySet):
    scope_field = "meeting__organisation_id"


class AttendanceRecord(models.Model):
    """One expected attendee of a meeting: a member, or an invited non-member by name."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendance",
    )
    guest_name = models.CharField(_("invited guest"), max_length=50, blank=True)
    status = models.CharField(
        _("attendance"),
        max_length=20,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PENDING,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="unique_member_per_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(guest_name=""),
                name="attendee_is_member_or_named_guest",
            ),
        ]
        indexes = [models.Index(fields=["member", "meeting"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.member.name if self.member_id else self.guest_name

    @property
    def is_guest(self) -> bool:
        return self.member_id is None

    def clean(self) -> None:
        if self.member_id is None and not self.guest_name.strip():
            raise ValidationError(_("An attendee is a member or a named guest."))


class DecisionCategory(models.TextChoices):
    """三重一大: the four kinds of matter a collective decision is required for."""

    MAJOR_DECISION = "major_decision", _("Major decision")
    KEY_APPOINTMENT = "key_appointment", _("Key appointment")
    MAJOR_PROJECT = "major_project", _("Major project")
    LARGE_SUM = "large_sum", _("Large sum of money")


class DecisionQuerySet(ScopedQuerySet):
    scope_field = "meeting__organisation_id"


class Decision(models.Model):
    """A resolution taken at a meeting; 三重一大 ones appear in the decisions register."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    category = models.CharField(
        _("三重一大 category"), max_length=20, choices=DecisionCategory.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_major(self) -> bool:
        return bool(self.category)


class AttachmentKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    MINUTES = "minutes", _("Minutes scan")
    RESOLUTION = "resolution", _("Resolution")
    SIGN_IN = "sign_in", _("Sign-in sheet")
    PHOTO = "photo", _("Photo")


class AttachmentQuerySet(ScopedQuerySet):
    scope_field = "meeting__organisation_id"


class Attachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=UploadPath("meetings"))
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.original_name


class CalendarToken(models.Model):
    """The secret in a member's personal iCalendar URL; revoked tokens stay as a record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_token_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
