"""The page of one spreadsheet import handed to the worker: progress, then its outcome."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from branchwork import import_flow
from branchwork.access import requires


@requires()  # any signed-in user; the batch is fetched through its kind's capability
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    batch, kind = import_flow.visible_batch(request.user, pk)
    template = "imports/_status.html" if request.htmx else "imports/status.html"
    return render(request, template, {"batch": batch, "import_kind": kind})
