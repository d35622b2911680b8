"""The shared kernel's data: the organisation tree, role assignments, worker heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

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
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        COMMITTED = "committed", _("Imported")
        REJECTED = "rejected", _("Refused because of errors")

    kind = models.CharField(max_length=40)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.get_state_display()})"
