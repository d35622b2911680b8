"""The shared kernel's data: the organisation tree, role assignments, worker heartbeat."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branchwork.access import ScopedQuerySet


class Role(models.TextChoices):
    """What a user may do in an organisation (and every organisation below it)."""

    ADMIN = "admin", _("Organisation admin")
    SECRETARY = "secretary", _("Branch secretary")
    COMMITTEE = "committee", _("Committee member")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


class OrganisationQuerySet(ScopedQuerySet):
    scope_field = "id"

    def schools(self) -> OrganisationQuerySet:
        return self.filter(kind__in=Organisation.SCHOOL_KINDS)

    def branches(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.BRANCH)

    def groups(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.GROUP)


class Organisation(models.Model):
    """One node of the tree bureau → school (党委/党总支) → branch (支部) → group (党小组).

    `path` is a materialised path ("000001.000004.") so that "this organisation and
    everything below it" is one indexed prefix match; `school` points at the school's top
    organisation so that school-wide views filter on one column. Both are written by
    `branchwork.services.create_organisation` and never edited by hand.
    """

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Education bureau")
        COMMITTEE = "committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("General party branch")
        BRANCH = "branch", _("Party branch")
        GROUP = "group", _("Party group")

    SCHOOL_KINDS = (Kind.COMMITTEE, Kind.GENERAL_BRANCH)
    ALLOWED_PARENTS = {
        Kind.BUREAU: (None,),
        Kind.COMMITTEE: (None, Kind.BUREAU),
        Kind.GENERAL_BRANCH: (None, Kind.BUREAU),
        Kind.BRANCH: (Kind.COMMITTEE, Kind.GENERAL_BRANCH),
        Kind.GROUP: (Kind.BRANCH,),
    }

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    school = models.ForeignKey(
        "self",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [models.Index(fields=["school", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".")

    @property
    def is_school(self) -> bool:
        return self.kind in self.SCHOOL_KINDS

    def clean(self) -> None:
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind not in self.ALLOWED_PARENTS.get(self.kind, ()):
            raise ValidationError(
                {
                    "parent": _("A %(kind)s cannot sit under %(parent)s.")
                    % {
                        "kind": self.get_kind_display(),
                        "parent": self.parent.get_kind_display()
                        if self.parent_id
                        else _("nothing"),
                    }
                }
            )


class RoleAssignment(models.Model):
    """A user holds a role in an organisation; it reaches every organisation below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Heartbeat(models.Model):
    """Last time a periodic task ran in a worker: proves beat → broker → worker → database."""

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class ImportBatchQuerySet(ScopedQuerySet):
    def scope_condition(self, scope, capability):
        # Only the person who uploaded a file previews and confirms it.
        return models.Q(uploaded_by_id=scope.user_id)


class ImportBatch(models.Model):
    """An uploaded spreadsheet between its preview and its confirmation.

    The file is validated on upload (preview) and validated again on confirmation, so a
    change in the database between the two cannot slip past the checks.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        IMPORTING = "importing", _("Being imported")
        COMMITTED = "committed", _("Imported")
        REJECTED = "rejected", _("Refused because of errors")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PREVIEWED)
    # A large file is checked and imported by the worker: how far it got (0 = not yet
    # claimed by a worker), and the outcome the page shows (counts, errors, preview rows).
    progress = models.PositiveSmallIntegerField(default=0)
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.get_state_display()})"

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)


# --- Reminders: the outbox -------------------------------------------------------------


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


PERSONAL_CHANNELS = (Channel.IN_APP, Channel.EMAIL)
ROBOT_CHANNELS = (Channel.WECOM, Channel.DINGTALK)


class NotificationQuerySet(ScopedQuerySet):
    def scope_condition(self, scope, capability):
        # Everyone's inbox holds only what was addressed to her.
        return models.Q(recipient_id=scope.user_id)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One reminder for one person: the in-app inbox entry and the source of truth.

    The unique key (rule, subject, recipient, occasion) is what makes the sweep
    idempotent: running it twice, two beats at once, or a retried task cannot create a
    second reminder for the same thing.
    """

    rule = models.CharField(_("reminder"), max_length=60)
    subject_key = models.CharField(max_length=80)
    occasion = models.DateField(_("occasion"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key", "recipient", "occasion"],
                name="one_notification_per_occasion",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class RobotWebhook(models.Model):
    """A WeCom or DingTalk group robot of an organisation (its reminders go to the group)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="robot_webhooks"
    )
    channel = models.CharField(
        _("kind"), max_length=20, choices=[(c.value, c.label) for c in ROBOT_CHANNELS]
    )
    name = models.CharField(_("name"), max_length=60)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk only: the robot's 加签 secret (starts with SEC)."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"


class Delivery(models.Model):
    """Sending one reminder through one channel: an e-mail to a person, or a message to a
    group robot. Claimed by a worker with SELECT … FOR UPDATE SKIP LOCKED, retried with
    backoff, given up after a limit with the error kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    webhook = models.ForeignKey(
        RobotWebhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("reminder"), max_length=60)
    subject_key = models.CharField(max_length=80)
    occasion = models.DateField(_("occasion"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    not_before = models.DateTimeField(_("not before"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=models.Q(notification__isnull=False),
                name="one_delivery_per_channel",
            ),
            models.UniqueConstraint(
                fields=["webhook", "rule", "subject_key", "occasion"],
                condition=models.Q(webhook__isnull=False),
                name="one_robot_message_per_occasion",
            ),
        ]
        indexes = [models.Index(fields=["status", "not_before"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.title} ({self.get_status_display()})"


class NotificationPreference(models.Model):
    """A person's choices: which reminders by which channel, and quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    # "rule:channel" entries the user switched off.
    muted = models.JSONField(default=list, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), default=datetime.time(22, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=datetime.time(7, 0))
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("Each morning, one e-mail listing the reminders of the last day."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def allows(self, rule: str, channel: str) -> bool:
        return f"{rule}:{channel}" not in self.muted


# --- Reports ---------------------------------------------------------------------------


class ReportFileQuerySet(ScopedQuerySet):
    """Who may see a stored report: the principal (viewer) branch and school reports, the
    secretary her branch's, a member her own record (see README "Reports")."""

    def scope_condition(self, scope, capability):
        return (
            models.Q(kind="branch", organisation_id__in=scope.organisation_ids("reports.branch"))
            | models.Q(kind="school", organisation_id__in=scope.organisation_ids("reports.school"))
            | models.Q(kind="member", organisation_id__in=scope.organisation_ids("reports.member"))
            | models.Q(kind="member", subject_user_id=scope.user_id)
            | models.Q(
                kind="minutes", organisation_id__in=scope.organisation_ids("reports.minutes")
            )
        )


class ReportFile(models.Model):
    """A generated PDF with who asked for it, when, and for what."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=20)
    subject_id = models.PositiveBigIntegerField()
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    parameters = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/%Y/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    replaced = models.BooleanField(_("replaced"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When a worker took it: a report RUNNING much longer than REPORT_STALE_SECONDS lost
    # its worker, and the sweep queues it again.
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "subject_id", "year"])]

    def __str__(self) -> str:
        return self.title


class ReportNarrative(models.Model):
    """The secretary's own words for a year's report: summary, problems found, plans."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary of the year"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    plans = models.TextField(_("plans for next year"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_narrative_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"
