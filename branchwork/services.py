"""Every write the kernel makes: organisations, roles, heartbeats."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from branchwork.models import Heartbeat, ImportBatch, Organisation, Role, RoleAssignment


@transaction.atomic
def create_organisation(
    *,
    name: str,
    slug: str,
    kind: str,
    parent: Organisation | None = None,
    position: int = 0,
) -> Organisation:
    """Create a node of the organisation tree, with its path and school filled in."""
    organisation = Organisation(
        name=name, slug=slug, kind=kind, parent=parent, position=position, path="pending"
    )
    organisation.full_clean(exclude=["path"])
    organisation.save()
    prefix = parent.path if parent else ""
    organisation.path = f"{prefix}{organisation.pk:06d}."
    if organisation.is_school:
        organisation.school = organisation
    elif parent is not None:
        organisation.school = parent.school
    organisation.save(update_fields=["path", "school"])
    return organisation


def grant_role(*, user, organisation: Organisation, role: str) -> RoleAssignment:
    """Give a user a role in an organisation (idempotent)."""
    Role(role)  # refuses an unknown role
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return assignment


def revoke_role(*, user, organisation: Organisation, role: str) -> None:
    RoleAssignment.objects.filter(user=user, organisation=organisation, role=role).delete()


def create_user(
    *, username: str, password: str, first_name: str = "", email: str = "", is_staff=False
):
    """A login account; passwords go through Django's hashers."""
    user_model = get_user_model()
    user = user_model(username=username, first_name=first_name, email=email, is_staff=is_staff)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def record_heartbeat(*, name: str) -> Heartbeat:
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(last_seen=now, count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"last_seen": now, "count": 1})
    return Heartbeat.objects.get(name=name)


def start_import(
    *, kind: str, organisation: Organisation, user, filename: str, data: bytes
) -> ImportBatch:
    """Keep an uploaded spreadsheet until its preview is confirmed (stored under MEDIA_ROOT)."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from branchwork.imports import FileRefused, read_table

    # A file that is not a readable spreadsheet (empty, too large, HTML under an .xlsx
    # name, a zip bomb) is refused here with FileRefused, before anything is stored.
    read_table(data, filename)
    batch = ImportBatch(
        kind=kind, organisation=organisation, uploaded_by=user, filename=filename[:200]
    )
    try:
        batch.file.save("upload.bin", ContentFile(data), save=False)
    except ValidationError as exc:  # the disk is full (UploadStorage): shown on the form
        raise FileRefused(exc.messages) from None
    batch.save()
    return batch
