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
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
        )
        from meetings import demo, selectors

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
