"""The organisation admin's view of an object's history (django-simple-history).

Any model with `HistoricalRecords` and a scoped manager (`visible_to`) can be audited:
the object is fetched through its own scope with the `branchwork.audit` capability
(organisation admins), so another school's object is a 404 like everywhere else.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from branchwork.access import get_visible_or_404

CAPABILITY = "branchwork.audit"
# Values never shown in the audit page, only that they changed (identity numbers, secrets).
MASKED = {"id_card", "checkin_secret", "token", "url", "secret"}


def auditable_models() -> dict[str, type[models.Model]]:
    """app_label.modelname → model, for models with a history and a scoped manager."""
    found = {}
    for model in apps.get_models():
        if hasattr(model, "history") and hasattr(model._default_manager, "visible_to"):
            found[model._meta.label_lower] = model
    return found


def audited_object(user: Any, label: str, pk: int) -> models.Model:
    model = auditable_models().get(label)
    if model is None:
        raise Http404
    return get_visible_or_404(model, user, CAPABILITY, pk=pk)


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def history_of(obj: models.Model, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first: when, who, what kind of change, and each field's old and new value."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    kinds = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                masked = change.field in MASKED
                changes.append(
                    {
                        "field": _label(model, change.field),
                        "old": "•••" if masked else change.old,
                        "new": "•••" if masked else change.new,
                    }
                )
        entries.append(
            {
                "date": newer.history_date,
                "user": newer.history_user,
                "kind": kinds.get(newer.history_type, newer.history_type),
                "reason": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries[:limit]
