from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    """Party members' mentoring of struggling students (党员结对帮扶学困生)."""

    name = "assistance"
    verbose_name = _("Student assistance")

    def ready(self) -> None:
        from assistance import bench, demo, privacy, reminders, reports, selectors, services
        from branchwork.access import register_capabilities
        from branchwork.models import Role
        from branchwork.registry import (
            register_bench_seeder,
            register_dashboard_panel,
            register_demo_seeder,
            register_import_kind,
            register_nav,
            register_personal_data,
            register_reminder_rule,
            register_report_section,
        )

        register_capabilities(
            {
                # A student's file. The roles only open the door: the queryset then lets
                # a member see her own active pairings' students, and secretaries/admins
                # the students they manage (assistance.models).
                "assistance.view_student": [
                    Role.ADMIN,
                    Role.SECRETARY,
                    Role.COMMITTEE,
                    Role.MEMBER,
                ],
                # Her own active pairings on the dashboard (no organisation lookup).
                "assistance.mentor": [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE, Role.MEMBER],
                # Open pairings, edit files, import, read the access log.
                "assistance.manage": [Role.ADMIN, Role.SECRETARY],
                # The ledger: names for managers, none for viewers.
                "assistance.ledger": [Role.ADMIN, Role.SECRETARY, Role.VIEWER],
                # Numbers and outcomes without names: everyone.
                "assistance.view_counts": [
                    Role.ADMIN,
                    Role.SECRETARY,
                    Role.COMMITTEE,
                    Role.MEMBER,
                    Role.VIEWER,
                ],
            }
        )
        register_nav(
            label=_("Assistance"),
            url_name="assistance-home",
            capability="assistance.view_counts",
            order=30,
        )
        register_dashboard_panel(
            name="assistance-my-pairings",
            template="assistance/panels/my_pairings.html",
            capability="assistance.mentor",
            context=selectors.my_pairings_panel,
            order=5,
        )
        register_dashboard_panel(
            name="assistance-overview",
            template="assistance/panels/overview.html",
            capability="assistance.view_counts",
            context=selectors.overview_panel,
            order=30,
            lazy=True,
        )
        register_demo_seeder(name="assistance", seed=demo.seed_assistance, order=30)
        for kind, title, done, headers in (
            ("students", _("Import students"), "student-list", (_("Name"), _("Class"))),
            ("pairings", _("Import pairings"), "assistance-ledger", (_("Student"), _("Mentor"))),
        ):
            register_import_kind(
                name=f"assistance-{kind}", title=title, capability="assistance.manage",
                run=services.IMPORTS[kind], page=f"{kind.removesuffix('s')}-import",
                confirm="assistance-import-confirm", done=done, preview_headers=headers,
            )  # fmt: skip
        register_personal_data(name="assistance", collect=privacy.collect, order=30)
        register_bench_seeder(name="assistance", seed=bench.seed_assistance, order=30)
        register_reminder_rule(
            name="assistance.visit_overdue",
            label=_("A pairing without a visit for too long"),
            evaluate=reminders.visits_overdue,
            order=30,
        )
        register_reminder_rule(
            name="assistance.assessment_due",
            label=_("Stage assessment due"),
            evaluate=reminders.assessments_due,
            order=31,
        )
        for report in ("branch", "school"):
            register_report_section(
                report=report,
                name="assistance",
                title=_("Student assistance"),
                template="assistance/report_assistance.html",
                context=reports.year_in_numbers,
                order=40,
            )
