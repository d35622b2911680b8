"""Spreadsheet import pages: the two phases every app's import page shares, and the page
of an import handed to the worker (progress, then its outcome)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from branchwork import import_flow
from branchwork import services as kernel_services
from branchwork.access import requires
from branchwork.imports import FileRefused
from branchwork.models import ImportBatch
from branchwork.registry import ImportKind


def check_upload(
    request: HttpRequest,
    form: Form,
    kind: ImportKind,
    page: Callable[[ImportBatch | None], HttpResponse],
) -> HttpResponse:
    """Phase 1 of an app's import page (`form` has `file` and `school`): store the file
    and check it here, or hand a large one to the worker and show its progress. `page`
    renders the app's page with the checked batch (None before an upload or when the
    file is refused, the reason then on the form)."""
    batch = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = kernel_services.start_import(
                kind=kind.name, organisation=form.cleaned_data["school"], user=request.user,
                filename=upload.name, data=upload.read(),
            )  # fmt: skip
            if import_flow.runs_in_worker(batch.file.size):
                import_flow.queue(batch, commit=False)
                return redirect("import-status", batch.pk)
            import_flow.run(batch, commit=False)
        except FileRefused as exc:
            form.add_error("file", exc)
            batch = None
    return page(batch)


def confirm(
    request: HttpRequest,
    batch: ImportBatch,
    kind: ImportKind,
    page: Callable[[ImportBatch], HttpResponse],
) -> HttpResponse:
    """Phase 2 (a POST on a previewed batch): check the stored file again and write it
    all in one transaction, here or in the worker. `page` shows the errors if the second
    check finds any."""
    if request.method != "POST" or not import_flow.claim_for_commit(batch):
        return redirect(kind.page)
    if import_flow.runs_in_worker(batch.file.size):
        import_flow.queue(batch, commit=True)
        return redirect("import-status", batch.pk)
    try:
        result = import_flow.run(batch, commit=True)
    except ValidationError as error:
        # Something changed since the preview (e.g. a pairing made on the page): nothing
        # was written.
        import_flow.reject(batch, error)
        messages.error(request, " ".join(error.messages))
        return redirect(kind.page)
    if not result.committed:
        return page(batch)
    messages.success(
        request,
        _("Imported %(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s "
          "unchanged.")
        % {"rows": result.rows, "created": result.created, "updated": result.updated,
           "unchanged": result.unchanged},
    )  # fmt: skip
    return redirect(kind.done)


@requires()  # any signed-in user; the batch is fetched through its kind's capability
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    batch, kind = import_flow.visible_batch(request.user, pk)
    template = "imports/_status.html" if request.htmx else "imports/status.html"
    return render(request, template, {"batch": batch, "import_kind": kind})
