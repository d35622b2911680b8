"""Personal data export: everything the system holds about one person, in one zip.

Apps contribute their part through `register_personal_data` (branchwork/registry.py); the
kernel adds the account itself. The archive holds `personal-data.json` (section title →
rows, field labels and values in the reader's language) and her own stored files.
Other people's personal data is left out: the students a teacher mentors appear only as
counts and dates of her visits, never by name (docs/security.md, "Privacy").
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from branchwork.models import Notification, NotificationPreference, RoleAssignment
from branchwork.registry import PERSONAL_DATA

# Never exported, even to the person herself: secrets that would let someone act as her.
SECRET_FIELDS = {"password", "checkin_secret", "token", "secret", "url"}
ACCOUNT_FIELDS = [
    "username", "first_name", "last_name", "email", "is_active", "date_joined", "last_login"
]  # fmt: skip


def _value(obj: models.Model, field: models.Field) -> Any:
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if isinstance(field, models.FileField):
        return value.name.rsplit("/", 1)[-1] if value else ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def rows(
    objects: Iterable[models.Model], *, exclude: Iterable[str] = (), only: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Each object as {field label: readable value}, secrets and `exclude` left out."""
    skip = SECRET_FIELDS | set(exclude)
    only = list(only)
    result = []
    for obj in objects:
        fields = [
            f for f in obj._meta.concrete_fields
            if f.name not in skip and (not only or f.name in only)
        ]  # fmt: skip
        result.append({str(f.verbose_name): _value(obj, f) for f in fields})
    return result


def _account(user: Any) -> dict[str, list[dict[str, Any]]]:
    if user is None:
        return {}
    return {
        _("Account"): rows([user], only=ACCOUNT_FIELDS),
        _("Roles"): rows(RoleAssignment.objects.filter(user=user).select_related("organisation")),
        _("Reminders received"): rows(
            Notification.objects.filter(recipient=user).order_by("created_at"),
            only=["rule", "title", "body", "created_at", "read_at"],
        ),
        _("Reminder preferences"): rows(NotificationPreference.objects.filter(user=user)),
    }


def export(*, user: Any, member: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    data: dict[str, Any] = {
        _("Exported at"): timezone.localtime().isoformat(timespec="seconds"),
        **_account(user),
    }
    files: list[tuple[str, Any]] = []
    for section in PERSONAL_DATA:
        data.update(section.collect(user, member))
        if section.files is not None:
            files.extend(section.files(user, member))
    return data, files


def export_zip(*, user: Any, member: Any) -> bytes:
    data, files = export(user=user, member=member)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "personal-data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )
        for name, field_file in files:
            with field_file.open("rb") as handle:
                archive.writestr(f"files/{name}", handle.read())
    return buffer.getvalue()
