from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django ends form labels with gettext(":"), which its own zh-hans catalogue leaves as the
# ASCII colon. Naming the msgid here puts it in our catalogue, which comes first
# (LOCALE_PATHS), as the full-width "：" of Chinese forms.
LABEL_SUFFIX = gettext_noop(":")


class BranchworkConfig(AppConfig):
    name = "branchwork"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from branchwork import bench, demo, selectors
        from branchwork.access import register_capabilities
        from branchwork.models import Role
        from branchwork.registry import (
            register_bench_seeder,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav,
        )

        everyone = [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE, Role.MEMBER, Role.VIEWER]
        register_capabilities(
            {
                "branchwork.dashboard": everyone,
                "branchwork.view_organisation": everyone,
                "branchwork.view_roles": [Role.ADMIN, Role.SECRETARY],
                "branchwork.inbox": everyone,
                "branchwork.operations": [Role.ADMIN],
                "branchwork.manage_robots": [Role.ADMIN],
                "branchwork.audit": [Role.ADMIN],
                "branchwork.unlock": [Role.ADMIN],
                "reports.view": everyone,
                "reports.branch": [Role.ADMIN, Role.SECRETARY, Role.VIEWER],
                "reports.school": [Role.ADMIN, Role.VIEWER],
                "reports.member": [Role.ADMIN, Role.SECRETARY],
                "reports.minutes": [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE],
                "reports.narrative": [Role.ADMIN, Role.SECRETARY],
            }
        )
        register_nav(label=_("Dashboard"), url_name="dashboard", capability=None, order=0)
        register_nav(
            label=_("Organisation"),
            url_name="organisation-list",
            capability="branchwork.view_organisation",
            order=90,
        )
        register_nav(label=_("Reports"), url_name="reports", capability="reports.view", order=80)
        register_nav(
            label=_("Outbox"), url_name="outbox", capability="branchwork.operations", order=95
        )
        register_nav(
            label=_("Locked logins"), url_name="lockouts", capability="branchwork.unlock", order=96
        )
        register_dashboard_panel(
            name="my-organisations",
            template="branchwork/panels/my_organisations.html",
            capability="branchwork.dashboard",
            context=selectors.my_organisations_panel,
            order=0,
        )
        register_demo_seeder(name="organisations", seed=demo.seed_organisations, order=0)
        register_bench_seeder(name="organisations", seed=bench.seed_organisations, order=0)
