from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """三会一课 and the other branch meetings."""

    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from branchwork.access import register_capabilities
        from branchwork.models import Role
        from branchwork.registry import (
            register_bench_seeder,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
            register_personal_data,
        )
        from meetings import bench, demo, privacy, selectors

        register_capabilities(
            {
                # Meetings, minutes and attendance of one's own branch; members check in.
                "meetings.view": [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE, Role.MEMBER],
                # Plan, record minutes, mark attendance, archive, export the ledger.
                "meetings.change": [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE],
                # Held vs required and attendance rates: viewers (the principal) read the
                # numbers and the 党课 titles, never the minutes or who was absent.
                "meetings.compliance": [
                    Role.ADMIN,
                    Role.SECRETARY,
                    Role.COMMITTEE,
                    Role.VIEWER,
                ],
                # Frequencies, quorum rules and term dates: the school committee.
                "meetings.configure": [Role.ADMIN],
            }
        )
        register_nav(
            label=_("Meetings"), url_name="meeting-list", capability="meetings.view", order=20
        )
        register_nav(
            label=_("三会一课 compliance"),
            url_name="meeting-compliance",
            capability="meetings.compliance",
            order=21,
        )
        register_dashboard_panel(
            name="meetings-compliance",
            template="meetings/panels/compliance.html",
            capability="meetings.compliance",
            context=selectors.secretary_panel,
            order=20,
        )
        register_dashboard_panel(
            name="meetings-mine",
            template="meetings/panels/mine.html",
            capability="meetings.view",
            context=selectors.my_meetings_panel,
            order=21,
        )
        register_demo_seeder(name="meetings", seed=demo.seed_meetings, order=20)
        register_personal_data(name="meetings", collect=privacy.collect, order=20)
        register_bench_seeder(name="meetings", seed=bench.seed_meetings, order=20)
        self.register_reports_and_reminders()

    def register_reports_and_reminders(self) -> None:
        """The annual reports' meeting chapters, the minutes PDF, and the reminders."""
        from branchwork.registry import (
            register_reminder_rule,
            register_report_kind,
            register_report_section,
        )
        from meetings import reminders, reports

        for report in ("branch", "school"):
            register_report_section(
                report=report, name="meetings", title=_("三会一课 and other meetings"),
                template="meetings/report_meetings.html", context=reports.meetings_section,
                order=20,
            )  # fmt: skip
            register_report_section(
                report=report, name="decisions", title=_("Decisions register (三重一大)"),
                template="meetings/report_decisions.html", context=reports.decisions_section,
                order=30,
            )  # fmt: skip
        register_report_section(
            report="member", name="attendance", title=_("Meetings attended"),
            template="meetings/report_member.html", context=reports.member_attendance, order=20,
        )  # fmt: skip
        register_report_kind(name="minutes", label=_("Meeting minutes"), build=reports.minutes)
        register_reminder_rule(
            name="meetings.notice", label=_("Meeting notices"),
            evaluate=reminders.meeting_notices, robots=True, order=20,
        )  # fmt: skip
        register_reminder_rule(
            name="meetings.compliance", label=_("三会一课 not yet held (secretaries)"),
            evaluate=reminders.compliance_warnings, robots=True, order=21,
        )  # fmt: skip
