"""A large spreadsheet is checked and imported by a real Celery worker, with progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branchwork import import_flow
from branchwork.models import ImportBatch
from members.models import Member
from tests.conftest import start_celery, stop_process, wait_for
from tests.members.test_import import xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def roster(world, count: int) -> bytes:
    branch = world.branch_a1.name
    return xlsx(
        [[f"导入{i:04d}", "女", "1985-03-02", branch, "", "正式党员", None, None, "2009-07-01",
          "2010-07-01", "一级教师", "语文", "", "", "否"] for i in range(count)]
    )  # fmt: skip


def world_school(client) -> int:
    from branchwork.models import Organisation

    return Organisation.objects.get(slug="school-a").pk


def upload(client, data: bytes, name: str = "名册.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("member-import"),
        {"school": world_school(client), "file": SimpleUploadedFile(name, data)},
    )


def test_a_large_roster_goes_through_the_worker_with_progress(world, login, settings, tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.IMPORT_INLINE_BYTES = 1024  # every real file here counts as large
    client = login(world, "secretary_a")
    worker = start_celery(
        tmp_path, "worker", "--pool=solo", "--without-heartbeat",
        env={"MEDIA_ROOT": str(media), "IMPORT_INLINE_BYTES": "1024"},
    )  # fmt: skip
    try:
        assert wait_for(lambda: "ready." in worker.output(), 60), worker.output()
        response = upload(client, roster(world, 1200))
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("import-status", args=[batch.pk])
        fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
        assert 'id="import-status"' in fragment and "<html" not in fragment
        seen: set[int] = set()

        def checked():
            batch.refresh_from_db()
            seen.add(batch.progress)
            return not batch.running

        assert wait_for(checked, 90, interval=0.05), worker.output()[-3000:]
        assert batch.state == "previewed", (batch.error, batch.outcome)
        assert batch.outcome["rows"] == 1200 and batch.outcome["created"] == 1200
        assert not Member.objects.filter(name__startswith="导入").exists()  # checked only
        page = client.get(reverse("import-status", args=[batch.pk])).content.decode()
        assert "导入0000" in page and reverse("member-import-confirm", args=[batch.pk]) in page
        assert 'hx-trigger="every 1s"' not in page  # finished: no more polling

        response = client.post(reverse("member-import-confirm", args=[batch.pk]))
        assert response["Location"] == reverse("import-status", args=[batch.pk])
        # A second click does not import twice.
        again = client.post(reverse("member-import-confirm", args=[batch.pk]))
        assert again["Location"] == reverse("member-import")
        assert wait_for(checked, 90, interval=0.05), worker.output()[-3000:]
    finally:
        stop_process(worker.process)
    assert batch.state == "committed", (batch.error, batch.outcome)
    assert Member.objects.filter(name__startswith="导入").count() == 1200
    # The page showed intermediate progress, not just 0 and 100.
    assert any(0 < p < 100 for p in seen), seen
    page = client.get(reverse("import-status", args=[batch.pk])).content.decode()
    assert "已导入 1200 行" in page and reverse("member-list") in page


def test_a_large_file_with_errors_is_refused_by_the_worker_path_without_a_worker(
    world, login, settings, tmp_path
):
    """No worker needed to see the flow's bookkeeping: the task body run directly."""
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_INLINE_BYTES = 1024
    client = login(world, "secretary_a")
    rows = roster(world, 30)
    response = upload(client, rows)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.state == "checking" and batch.progress == 0
    page = client.get(response["Location"]).content.decode()
    assert "等待" in page  # waiting for a worker, says so
    assert import_flow.work(batch.pk, False) == "previewed"
    assert import_flow.work(batch.pk, False) == "not-claimed"  # a duplicated task: no rerun

    # An unreadable file is refused on the form before anything is stored or queued.
    bad = upload(client, b"PK\x03\x04 not really a zip" + b"x" * 2048, name="坏.xlsx")
    assert bad.status_code == 200 and "无法读取" in bad.content.decode()
    assert ImportBatch.objects.count() == 1
    # A batch whose check was refused by the worker (here: its stored file replaced by
    # garbage meanwhile) says why and cannot be confirmed.
    bad_batch = ImportBatch.objects.create(
        kind="members", organisation=batch.organisation, uploaded_by=batch.uploaded_by,
        filename="坏.xlsx", state="checking",
    )  # fmt: skip
    from django.core.files.base import ContentFile

    bad_batch.file.save("upload.bin", ContentFile(b"PK\x03\x04 garbage"), save=True)
    assert import_flow.work(bad_batch.pk, False) == "rejected"
    bad_batch.refresh_from_db()
    page = client.get(reverse("import-status", args=[bad_batch.pk])).content.decode()
    assert "未导入任何数据" in page and bad_batch.error in page
    # The rejected one cannot be confirmed, and nobody else sees either.
    assert client.post(reverse("member-import-confirm", args=[bad_batch.pk]))[
        "Location"
    ] == reverse("member-import")
    other = login(world, "admin_a")
    assert other.get(reverse("import-status", args=[batch.pk])).status_code == 404
