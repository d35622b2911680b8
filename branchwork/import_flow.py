"""Where a spreadsheet import runs: in the request for a small file, in the worker with a
progress bar for a large one.

Both phases of an import (check, then confirm) read the file stored with its
`ImportBatch`. A file of up to `IMPORT_INLINE_BYTES` is checked while the user waits, as
before. A larger one is handed to the `branchwork.run_import` task: the page then shows
the batch's progress (htmx polling `import-status`) and, when the worker is done, the
same errors or preview. The task claims the batch with a conditional UPDATE (progress
0 → 1), so a duplicated or retried task runs it once; if the broker cannot be reached the
import runs in the request instead of waiting for a worker that will never come.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from branchwork.access import scope_for
from branchwork.imports import FileRefused, ImportResult
from branchwork.models import ImportBatch
from branchwork.registry import IMPORT_KINDS, ImportKind
from branchwork.reminders import enqueue_after_commit

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 500


def runs_in_worker(size: int) -> bool:
    return size > settings.IMPORT_INLINE_BYTES


def outcome_of(result: ImportResult) -> dict[str, Any]:
    """What the batch page shows of a result (JSON-safe; at most MAX_STORED_ERRORS errors)."""
    return {
        "rows": result.rows, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged, "error_count": len(result.errors),
        "errors": [
            {"row": e.row, "column": e.column, "message": str(e.message)}
            for e in result.errors[:MAX_STORED_ERRORS]
        ],
        "preview": [{**row, "action": str(row.get("action", ""))} for row in result.preview],
    }  # fmt: skip


def finish(batch: ImportBatch, result: ImportResult, *, committed: bool) -> None:
    """Record a phase's outcome on the batch."""
    batch.state = (
        ImportBatch.State.COMMITTED if committed
        else ImportBatch.State.REJECTED if result.errors
        else ImportBatch.State.PREVIEWED
    )  # fmt: skip
    batch.outcome = outcome_of(result)
    batch.progress = 100
    if committed:
        batch.committed_at = timezone.now()
    batch.save(update_fields=["state", "outcome", "progress", "committed_at"])


def run(batch: ImportBatch, *, commit: bool, progress=None) -> ImportResult:
    """One phase of the batch's import, on its stored file, as the person who uploaded it."""
    kind = IMPORT_KINDS[batch.kind]
    with batch.file.open("rb") as stored:
        data = stored.read()
    try:
        result = kind.run(
            data=data, filename=batch.filename, school=batch.organisation,
            user=batch.uploaded_by, commit=commit, progress=progress,
        )  # fmt: skip
    except FileRefused as refused:  # not a spreadsheet, no header row…: never confirmable
        reject(batch, refused)
        raise
    finish(batch, result, committed=result.committed)
    return result


def claim_for_commit(batch: ImportBatch) -> bool:
    """Take a previewed batch for its confirmation (two clicks confirm it once)."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PREVIEWED).update(
        state=ImportBatch.State.IMPORTING, progress=0
    )
    batch.state = ImportBatch.State.IMPORTING
    return bool(claimed)


def queue(batch: ImportBatch, *, commit: bool) -> None:
    """Hand a phase to the worker (after the transaction commits)."""
    state = ImportBatch.State.IMPORTING if commit else ImportBatch.State.CHECKING
    ImportBatch.objects.filter(pk=batch.pk).update(state=state, progress=0, error="")
    batch.state, batch.progress = state, 0
    # No broker: do the work here rather than never (no sweep picks up an import).
    enqueue_after_commit(
        "branchwork.run_import", batch.pk, commit, on_failure=lambda: work(batch.pk, commit)
    )


def work(batch_id: int, commit: bool) -> str:
    """The task's body: claim the batch, run the phase with progress, record the outcome."""
    state = ImportBatch.State.IMPORTING if commit else ImportBatch.State.CHECKING
    if not ImportBatch.objects.filter(pk=batch_id, state=state, progress=0).update(progress=1):
        return "not-claimed"
    batch = ImportBatch.objects.select_related("organisation", "uploaded_by").get(pk=batch_id)
    last = [1]

    def progress(percent: int) -> None:
        if percent >= last[0] + 5:  # one UPDATE per 5 %
            last[0] = percent
            ImportBatch.objects.filter(pk=batch_id).update(progress=min(percent, 99))

    try:
        run(batch, commit=commit, progress=progress)
    except ValidationError as error:
        reject(batch, error)
    except Exception as exc:  # recorded on the batch; the page shows it
        logger.exception("import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            state=ImportBatch.State.FAILED, progress=100, error=f"{type(exc).__name__}: {exc}"
        )
    return ImportBatch.objects.values_list("state", flat=True).get(pk=batch_id)


def reject(batch: ImportBatch, error: ValidationError) -> None:
    """Refuse the batch for good and say why: the file cannot be imported at all, or
    something changed since the preview (e.g. a pairing made on the page meanwhile) and
    the import's transaction wrote nothing."""
    batch.state, batch.progress, batch.error = (
        ImportBatch.State.REJECTED,
        100,
        " ".join(error.messages),
    )
    batch.save(update_fields=["state", "progress", "error"])


def visible_batch(user: Any, pk: int) -> tuple[ImportBatch, ImportKind]:
    """A batch through the scope of its kind's capability (the uploader's own, in her
    organisations); 403 for someone who imports nothing, 404 for anyone else's batch."""
    scope = scope_for(user)
    kinds = [kind for kind in IMPORT_KINDS.values() if scope.has(kind.capability)]
    if not kinds:
        raise PermissionDenied
    for kind in kinds:
        batch = (
            ImportBatch.objects.visible_to(user, kind.capability)
            .filter(pk=pk, kind=kind.name)
            .select_related("organisation")
            .first()
        )
        if batch is not None:
            return batch, kind
    raise Http404
