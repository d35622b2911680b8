"""Fulfilment entries: computed progress, evidence validation, the secretary's review."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pledges import selectors, services
from pledges.models import EntryStatus, Fulfilment, PledgeStatus
from tests.pledges.conftest import member_of, png_upload
from tests.pledges.factories import FulfilmentFactory, PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(world):
    return PledgeFactory(
        member=member_of(world.member_a), status=PledgeStatus.APPROVED, target_amount=4
    )


def today():
    return timezone.localdate()


def test_progress_counts_accepted_entries_only(world, pledge):
    FulfilmentFactory(pledge=pledge, amount=1, status=EntryStatus.ACCEPTED)
    FulfilmentFactory(pledge=pledge, amount=Decimal("0.5"), status=EntryStatus.ACCEPTED)
    FulfilmentFactory(pledge=pledge, amount=2, status=EntryStatus.PENDING)
    FulfilmentFactory(pledge=pledge, amount=2, status=EntryStatus.RETURNED)
    assert selectors.pledge_progress(pledge) == (Decimal("1.5"), 37)
    [row] = selectors.ledger(world.branch_a1, year=pledge.year)
    assert (row.accepted_amount, row.progress) == (Decimal("1.5"), 37)
    assert (row.pending_entries, row.returned_entries) == (1, 1)


def test_progress_is_capped_at_the_target(world, pledge):
    FulfilmentFactory(pledge=pledge, amount=5, status=EntryStatus.ACCEPTED)
    assert selectors.pledge_progress(pledge) == (Decimal("5"), 100)
    assert selectors.progress_percent(Decimal("0"), Decimal("4")) == 0


def test_member_records_with_a_photo_and_the_secretary_accepts(world, login, pledge):
    client = login(world, "member_a")
    response = client.post(
        reverse("fulfilment-create", args=[pledge.pk]),
        {
            "date": today().isoformat(),
            "description": "上了一节示范课",
            "amount": "1",
            "evidence": png_upload(),
        },
    )
    assert response.status_code == 302
    entry = Fulfilment.objects.get()
    assert entry.status == EntryStatus.PENDING
    assert entry.evidence_name == "现场照片.png" and entry.evidence_content_type == "image/png"
    assert entry.evidence.name.startswith("pledges/") and entry.evidence.name.endswith(".png")
    assert "现场照片" not in entry.evidence.name
    assert selectors.pledge_progress(pledge)[1] == 0

    download = client.get(reverse("fulfilment-evidence", args=[entry.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"]
    assert (
        login(world, "teacher_a").get(reverse("fulfilment-evidence", args=[entry.pk])).status_code
        == 404
    )

    client = login(world, "secretary_a")
    client.post(reverse("fulfilment-review", args=[entry.pk]), {"decision": "accept"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACCEPTED and entry.reviewed_by == world.secretary_a
    assert selectors.pledge_progress(pledge) == (Decimal("1"), 25)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.png", b"<html>not a photo</html>"), "不是"),
        (SimpleUploadedFile("a.pdf", b""), "空"),
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10), "不是"),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_message_and_nothing_saved(
    world, login, pledge, upload, message
):
    response = login(world, "member_a").post(
        reverse("fulfilment-create", args=[pledge.pk]),
        {"date": today().isoformat(), "description": "x", "amount": "1", "evidence": upload},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Fulfilment.objects.count() == 0


def test_evidence_too_large_is_refused(world, pledge, monkeypatch):
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 10)
    with pytest.raises(ValidationError) as error:
        services.fulfilment_record(
            pledge=pledge,
            date=today(),
            description="x",
            amount=Decimal("1"),
            evidence=png_upload(),
            by=world.member_a,
        )
    assert "evidence" in error.value.message_dict
    assert Fulfilment.objects.count() == 0


def test_entries_only_for_an_approved_pledge_by_its_member(world):
    draft = PledgeFactory(member=member_of(world.member_a))
    with pytest.raises(ValidationError):
        services.fulfilment_record(
            pledge=draft, date=today(), description="x", amount=Decimal("1"), by=world.member_a
        )
    approved = PledgeFactory(member=member_of(world.member_a), status=PledgeStatus.APPROVED)
    with pytest.raises(PermissionDenied):
        services.fulfilment_record(
            pledge=approved, date=today(), description="x", amount=Decimal("1"), by=world.teacher_a
        )
    with pytest.raises(ValidationError) as error:
        services.fulfilment_record(
            pledge=approved,
            date=today() + datetime.timedelta(days=3),
            description="x",
            amount=Decimal("1"),
            by=world.member_a,
        )
    assert "date" in error.value.message_dict


def test_returned_entry_needs_a_comment_and_the_member_corrects_it(world, login, pledge):
    entry = FulfilmentFactory(pledge=pledge, date=today())
    with pytest.raises(ValidationError):
        services.fulfilment_review(entry=entry, accept=False, comment="", by=world.secretary_a)
    services.fulfilment_review(
        entry=entry, accept=False, comment="请补充照片", by=world.secretary_a
    )
    assert list(selectors.returned_entries()) == [entry]
    with pytest.raises(ValidationError):  # reviewed once already
        services.fulfilment_review(entry=entry, accept=True, by=world.secretary_a)

    client = login(world, "member_a")
    page = client.get(reverse("pledge-detail", args=[pledge.pk])).content.decode()
    assert "请补充照片" in page and reverse("fulfilment-edit", args=[entry.pk]) in page
    client.post(
        reverse("fulfilment-edit", args=[entry.pk]),
        {
            "date": today().isoformat(),
            "description": "补充了照片",
            "amount": "1",
            "evidence": png_upload(),
        },
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.description == "补充了照片"
    assert list(selectors.returned_entries()) == []


def test_secretary_of_another_branch_cannot_review(world, pledge):
    entry = FulfilmentFactory(pledge=pledge)
    for outsider in (world.secretary_a2, world.secretary_b, world.member_a):
        with pytest.raises(PermissionDenied):
            services.fulfilment_review(entry=entry, accept=True, by=outsider)
