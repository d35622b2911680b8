"""Registries through which domain apps plug into the kernel's shared engines.

An app registers what it contributes in its AppConfig.ready(); the kernel iterates the
registries and never imports a domain app by name (STYLE.md "Layers").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    capability: str | None
    order: int


@dataclass(frozen=True)
class DashboardPanel:
    """A block on the dashboard: shown to users who hold `capability` somewhere. A `lazy`
    panel (numbers nobody acts on first) is fetched by htmx right after the page loads, from
    its own URL, so the dashboard's first response stays within its query budget."""

    name: str
    template: str
    capability: str
    context: Callable[[HttpRequest], dict[str, Any]]
    order: int
    lazy: bool = False


@dataclass(frozen=True)
class DemoSeeder:
    """Adds an app's part of the demo data; called by `manage.py seed_demo` in order."""

    name: str
    seed: Callable[[Any], None]
    order: int


@dataclass(frozen=True)
class BenchSeeder:
    """Adds an app's part of the benchmark data; called by `manage.py seed_bench` in order
    with the schools being created (see branchwork/bench.py)."""

    name: str
    seed: Callable[[Any], None]
    order: int


NAVIGATION: list[NavItem] = []
DASHBOARD_PANELS: list[DashboardPanel] = []
DEMO_SEEDERS: list[DemoSeeder] = []
BENCH_SEEDERS: list[BenchSeeder] = []


def _add(registry: list, item: Any) -> None:
    if any(existing == item for existing in registry):
        return
    registry.append(item)
    registry.sort(key=lambda entry: entry.order)


def register_nav(*, label: Any, url_name: str, capability: str | None, order: int) -> None:
    _add(NAVIGATION, NavItem(label, url_name, capability, order))


def register_dashboard_panel(
    *,
    name: str,
    template: str,
    capability: str,
    context: Callable[[HttpRequest], dict[str, Any]],
    order: int,
    lazy: bool = False,
) -> None:
    _add(DASHBOARD_PANELS, DashboardPanel(name, template, capability, context, order, lazy))


def register_demo_seeder(*, name: str, seed: Callable[[Any], None], order: int) -> None:
    _add(DEMO_SEEDERS, DemoSeeder(name, seed, order))


def register_bench_seeder(*, name: str, seed: Callable[[Any], None], order: int) -> None:
    _add(BENCH_SEEDERS, BenchSeeder(name, seed, order))


@dataclass(frozen=True)
class ReminderRule:
    """A kind of reminder an app contributes (its `reminders.py`).

    `evaluate(today)` returns the occasions due on `today`: each names its subject, the
    date it is about, the organisation it belongs to, the users to tell, and the text.
    It runs inside `translation.override(settings.LANGUAGE_CODE)`, so texts are Chinese.
    """

    name: str
    label: Any  # lazy translation, shown in preferences and the operations view
    evaluate: Callable[[Any], list[Any]]
    robots: bool = False  # also post to the organisation's group robots
    order: int = 100


REMINDER_RULES: list[ReminderRule] = []


def register_reminder_rule(
    *, name: str, label: Any, evaluate: Callable, robots: bool = False, order: int = 100
) -> None:
    _add(REMINDER_RULES, ReminderRule(name, label, evaluate, robots, order))


@dataclass(frozen=True)
class ReportSection:
    """A chapter an app contributes to a report ("branch", "school" or "member").

    `context(subject, year)` gets the branch / school Organisation or the Member and
    returns what `template` needs; it must not reveal students' names (branch and school
    reports are read by viewers).
    """

    report: str
    name: str
    title: Any
    template: str
    context: Callable[[Any, int], dict[str, Any]]
    order: int


@dataclass(frozen=True)
class ReportKind:
    """A kind of PDF document besides the kernel's branch and school reports (the member
    record, meeting minutes).

    `build(subject_id, year, progress, head_only=False)` returns (organisation, title,
    template, context, subject_user_id); with head_only=True it may skip the context.
    It raises Http404 for an unknown subject.
    """

    name: str
    label: Any
    build: Callable[..., tuple[Any, str, str, dict[str, Any]]]


REPORT_SECTIONS: list[ReportSection] = []
REPORT_KINDS: dict[str, ReportKind] = {}


def register_report_section(
    *, report: str, name: str, title: Any, template: str, context: Callable, order: int
) -> None:
    _add(REPORT_SECTIONS, ReportSection(report, name, title, template, context, order))


def register_report_kind(*, name: str, label: Any, build: Callable) -> None:
    REPORT_KINDS[name] = ReportKind(name, label, build)


@dataclass(frozen=True)
class ImportKind:
    """A spreadsheet import an app offers (`ImportBatch.kind` = `name`).

    `run(data=, filename=, school=, user=, commit=, progress=)` returns an ImportResult;
    `page` is the upload page's URL name, `confirm` the confirmation URL's (taking the
    batch's pk), `done` where a finished import leads; `preview_headers` label the
    preview's cells.
    """

    name: str
    title: Any
    capability: str
    run: Callable[..., Any]
    page: str
    confirm: str
    done: str
    preview_headers: tuple = ()


IMPORT_KINDS: dict[str, ImportKind] = {}


def register_import_kind(**fields: Any) -> None:
    kind = ImportKind(**fields)
    IMPORT_KINDS[kind.name] = kind


@dataclass(frozen=True)
class PersonalDataSection:
    """What an app holds about one person, for her personal data export.

    `collect(user, member)` returns {section title: [row dicts]} (either argument may be
    None: a member without an account, an account without a member record); `files` the
    stored files that are hers, as (name in the archive, FieldFile).
    """

    name: str
    collect: Callable[[Any, Any], dict[str, list[dict[str, Any]]]]
    files: Callable[[Any, Any], list[tuple[str, Any]]] | None
    order: int


PERSONAL_DATA: list[PersonalDataSection] = []


def register_personal_data(
    *, name: str, collect: Callable, files: Callable | None = None, order: int
) -> None:
    _add(PERSONAL_DATA, PersonalDataSection(name, collect, files, order))
