from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    """Pledge ledger (承诺践诺台账), responsibility letters and the annual appraisal."""

    name = "pledges"
    verbose_name = _("Pledges and appraisal")

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
        from pledges import bench, demo, privacy, selectors

        people = [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE, Role.MEMBER]
        register_capabilities(
            {
                # Her own pledges, entries, letters and self-assessment (scope: herself).
                "pledges.own": people,
                # A pledge's page: her own, or her branch's for who keeps the ledger.
                "pledges.view": people,
                # The wall (亮承诺) is for the whole school, the principal included.
                "pledges.view_wall": [*people, Role.VIEWER],
                # Ledger, letters and appraisal tables, exports.
                "pledges.view_ledger": [Role.ADMIN, Role.SECRETARY],
                # Approve / return / close pledges, review entries, score letters, grade.
                "pledges.manage": [Role.SECRETARY],
                # The school's positive list and appraisal bands.
                "pledges.configure": [Role.ADMIN],
            }
        )
        register_nav(
            label=_("My pledges"), url_name="pledge-mine", capability="pledges.own", order=40
        )
        register_nav(
            label=_("Pledge wall"),
            url_name="pledge-wall-index",
            capability="pledges.view_wall",
            order=41,
        )
        register_nav(
            label=_("Pledge ledger"),
            url_name="pledge-ledger",
            capability="pledges.view_ledger",
            order=42,
        )
        register_nav(
            label=_("Appraisal"),
            url_name="appraisal-list",
            capability="pledges.view_ledger",
            order=43,
        )
        register_nav(
            label=_("Positive list"),
            url_name="category-list",
            capability="pledges.configure",
            order=44,
        )
        register_dashboard_panel(
            name="pledges-mine",
            template="pledges/panels/my_pledges.html",
            capability="pledges.own",
            context=selectors.my_pledges_panel,
            order=40,
        )
        register_dashboard_panel(
            name="pledges-secretary",
            template="pledges/panels/secretary.html",
            capability="pledges.manage",
            context=selectors.secretary_panel,
            order=41,
        )
        register_demo_seeder(name="pledges", seed=demo.seed_pledges, order=40)
        register_personal_data(
            name="pledges", collect=privacy.collect, files=privacy.files, order=40
        )
        register_bench_seeder(name="pledges", seed=bench.seed_pledges, order=40)
        self.register_reports()

    def register_reports(self) -> None:
        """The annual reports' pledges chapter and the member record's part."""
        from branchwork.registry import register_reminder_rule, register_report_section
        from pledges import reminders, reports

        register_reminder_rule(
            name="pledges.due", label=_("My pledge's due date is near"),
            evaluate=reminders.pledges_due, order=40,
        )  # fmt: skip
        register_reminder_rule(
            name="pledges.returned", label=_("My fulfilment entry was returned"),
            evaluate=reminders.entries_returned, order=41,
        )  # fmt: skip

        for report in ("branch", "school"):
            register_report_section(
                report=report, name="pledges", title=_("Pledges and the annual appraisal"),
                template="pledges/report_pledges.html", context=reports.pledges_section,
                order=50,
            )  # fmt: skip
        register_report_section(
            report="member", name="pledges", title=_("Pledges and appraisal"),
            template="pledges/report_member.html", context=reports.member_pledges, order=40,
        )  # fmt: skip
