"""The pledges' part of the benchmark data: ~1,500 pledges per school with fulfilment
entries.

Every party member pledges under the default positive list: two pledges this year and
last year, one in each of the three years before (210 members × 7 ≈ 1,500). Past years
are closed (fulfilled, partly, not); this year's are mostly approved, some drafts and
some awaiting approval. Approved pledges have one to four entries. Adds the first
branch's pledge wall as a benchmark page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from branchwork.bench import BenchContext, BenchPage, insert_rows, now_for
from pledges.demo import ENTRY_TEXTS, PLEDGES
from pledges.models import Category, EntryStatus, Fulfilment, Pledge, PledgeStatus
from pledges.services import ensure_default_categories

PLEDGES_PER_YEAR = {0: 2, 1: 2, 2: 1, 3: 1, 4: 1}  # years back → pledges per member
CLOSED = [PledgeStatus.FULFILLED] * 3 + [PledgeStatus.PARTLY_FULFILLED, PledgeStatus.NOT_FULFILLED]
OPEN = [PledgeStatus.APPROVED] * 7 + [PledgeStatus.DRAFT, PledgeStatus.SUBMITTED]
SHARE = {PledgeStatus.FULFILLED: 1.0, PledgeStatus.PARTLY_FULFILLED: 0.6}


def seed_pledges(ctx: BenchContext) -> None:
    today = ctx.today
    for bench in ctx.schools:
        rng = bench.rng
        ensure_default_categories(school=bench.school)
        categories = {c.name: c for c in Category.objects.filter(organisation=bench.school)}
        names = sorted(set(categories) & set(PLEDGES))
        secretary = bench.users["secretary"]
        pledges = []
        for member in bench.data["party"]:
            for back, count in PLEDGES_PER_YEAR.items():
                year = today.year - back
                for name in rng.sample(names, count):
                    text, amount, unit, target = rng.choice(PLEDGES[name])
                    status = rng.choice(CLOSED if back else OPEN)
                    approved = status not in (PledgeStatus.DRAFT, PledgeStatus.SUBMITTED)
                    pledges.append(
                        Pledge(
                            member=member, organisation_id=member.organisation_id, year=year,
                            category=categories[name], text=text, target_amount=Decimal(amount),
                            target_unit=unit, target_text=target,
                            due_date=datetime.date(year, 12, 31), status=status,
                            approved_by=secretary if approved else None,
                            approved_at=now_for(datetime.date(year, 1, 20)) if approved else None,
                            closed_at=now_for(datetime.date(year, 12, 28)) if back else None,
                        )
                    )  # fmt: skip
        pledges = Pledge.objects.bulk_create(pledges, batch_size=2000)

        count = insert_rows(
            Fulfilment,
            ["pledge", "date", "description", "amount", "status", "reviewed_by", "reviewed_at"],
            _entries(pledges, rng, secretary, today),
        )
        ctx.counts["pledges"] += len(pledges)
        ctx.counts["fulfilment entries"] += count
        wall = reverse("pledge-wall", args=[bench.branches[0].pk])
        bench.pages.append(BenchPage("pledge wall", "secretary", wall))


def _entries(pledges, rng, secretary, today: datetime.date):
    for pledge in pledges:
        if pledge.approved_at is None:
            continue
        start = datetime.date(pledge.year, 1, 25)
        end = datetime.date(pledge.year, 12, 20) if pledge.year < today.year else today
        span = max(1, (end - start).days)
        count = max(1, min(4, int(pledge.target_amount)))
        share = Decimal(str(SHARE.get(pledge.status, 0.5)))
        amount = (pledge.target_amount * share / count).quantize(Decimal("0.1"))
        for n in range(count):
            date = start + datetime.timedelta(days=(n * span) // count)
            status = EntryStatus.ACCEPTED
            if pledge.year == today.year and n == count - 1:
                status = EntryStatus.PENDING
            reviewed = status == EntryStatus.ACCEPTED
            yield (pledge.pk, date, rng.choice(ENTRY_TEXTS), amount, status,
                   secretary.pk if reviewed else None,
                   now_for(date, 17) if reviewed else None)  # fmt: skip
