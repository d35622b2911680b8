"""Periods a meeting rule counts in: months, quarters, school terms, the year.

Pure date arithmetic, no queries. Terms follow the school's configuration: with the
defaults the spring term is Feb 1 – Aug 31 and the autumn term Sep 1 – Jan 31, so the
autumn term that starts in a year ends in the next one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.dates import MONTHS_3
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from meetings.models import Frequency


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date
    end: datetime.date  # inclusive

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class TermDates:
    spring_starts_month: int = 2
    autumn_starts_month: int = 9


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def periods_for(frequency: str, year: int, terms: TermDates) -> list[Period]:
    """The periods of `year` for a frequency (empty when nothing is required)."""
    if frequency == Frequency.MONTHLY:
        return [
            Period(
                f"{year}-{m:02d}",
                capfirst(MONTHS_3[m]),  # "Nov" in English; 十一月 in Chinese
                datetime.date(year, m, 1),
                _month_end(year, m),
            )
            for m in range(1, 13)
        ]
    if frequency == Frequency.QUARTERLY:
        return [
            Period(
                f"{year}-Q{q}",
                str(_("Q%(quarter)s") % {"quarter": q}),
                datetime.date(year, 3 * q - 2, 1),
                _month_end(year, 3 * q),
            )
            for q in range(1, 5)
        ]
    if frequency == Frequency.TERM:
        spring = datetime.date(year, terms.spring_starts_month, 1)
        autumn = datetime.date(year, terms.autumn_starts_month, 1)
        next_spring = datetime.date(year + 1, terms.spring_starts_month, 1)
        return [
            Period(
                f"{year}-spring",
                str(_("Spring term")),
                spring,
                autumn - datetime.timedelta(days=1),
            ),
            Period(
                f"{year}-autumn",
                str(_("Autumn term")),
                autumn,
                next_spring - datetime.timedelta(days=1),
            ),
        ]
    if frequency == Frequency.YEARLY:
        return [
            Period(
                str(year),
                str(_("Whole year")),
                datetime.date(year, 1, 1),
                datetime.date(year, 12, 31),
            )
        ]
    return []


class PeriodStatus:
    DONE = "done"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    OPEN = "open"
    UPCOMING = "upcoming"

    LABELS = {
        DONE: _("Done"),
        DUE_SOON: _("Due soon"),
        OVERDUE: _("Overdue"),
        OPEN: _("In progress"),
        UPCOMING: _("Upcoming"),
    }


def due_soon_days(period: Period) -> int:
    """How close to a period's end an unmet requirement turns into a warning."""
    return max(7, min(14, period.days // 3))


def status_of(period: Period, *, held: int, required: int, today: datetime.date) -> str:
    if held >= required:
        return PeriodStatus.DONE
    if period.start > today:
        return PeriodStatus.UPCOMING
    if period.end < today:
        return PeriodStatus.OVERDUE
    if (period.end - today).days < due_soon_days(period):
        return PeriodStatus.DUE_SOON
    return PeriodStatus.OPEN
