from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
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
            register_report_kind,
            register_report_section,
        )
        from members import bench, demo, privacy, reminders, reports, selectors, services

        register_capabilities(
            {
                # Names and the roster: people of the branch, not viewers.
                "members.view": [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE, Role.MEMBER],
                # Phone, e-mail, birth date: those who manage the branch.
                "members.view_private": [Role.ADMIN, Role.SECRETARY],
                # A copy of everything held about one member (her own copy: any user).
                "members.export_personal": [Role.ADMIN],
                "members.change": [Role.ADMIN, Role.SECRETARY],
                "members.import": [Role.ADMIN, Role.SECRETARY],
                "members.export": [Role.ADMIN, Role.SECRETARY, Role.COMMITTEE],
                "members.manage_rules": [Role.ADMIN],
                # Numbers without names: everyone, viewers included.
                "members.view_counts": [
                    Role.ADMIN,
                    Role.SECRETARY,
                    Role.COMMITTEE,
                    Role.MEMBER,
                    Role.VIEWER,
                ],
            }
        )
        register_nav(
            label=_("Members"), url_name="member-list", capability="members.view", order=10
        )
        register_nav(
            label=_("Pipeline"), url_name="member-pipeline", capability="members.view", order=11
        )
        register_dashboard_panel(
            name="members-by-stage",
            template="members/panels/by_stage.html",
            capability="members.view_counts",
            context=selectors.stage_counts_panel,
            order=10,
            lazy=True,
        )
        register_demo_seeder(name="members", seed=demo.seed_members, order=10)
        register_import_kind(
            name="members", title=_("Import members"), capability="members.import",
            run=services.import_members, page="member-import", confirm="member-import-confirm",
            done="member-list", preview_headers=(_("Name"), _("Branch"), _("Stage")),
        )  # fmt: skip
        register_personal_data(name="members", collect=privacy.collect, order=10)
        register_bench_seeder(name="members", seed=bench.seed_members, order=10)
        for report in ("branch", "school"):
            register_report_section(
                report=report, name="members", title=_("Members and changes"),
                template="members/report_members.html", context=reports.basic_facts, order=10,
            )  # fmt: skip
            register_report_section(
                report=report, name="pipeline", title=_("Development of new members"),
                template="members/report_pipeline.html", context=reports.pipeline, order=60,
            )  # fmt: skip
        register_report_section(
            report="member", name="member", title=_("Personal record"),
            template="members/report_member.html", context=reports.member_facts, order=10,
        )  # fmt: skip
        register_report_kind(name="member", label=_("Member annual record"),
                             build=reports.member_record)  # fmt: skip
        register_reminder_rule(
            name="members.pipeline_deadline",
            label=_("Development pipeline deadlines"),
            evaluate=reminders.pipeline_deadlines,
            order=10,
        )
        register_reminder_rule(
            name="members.political_birthday",
            label=_("My political birthday"),
            evaluate=reminders.political_birthdays,
            order=11,
        )
        register_reminder_rule(
            name="members.birthday_list",
            label=_("Political birthdays of the month (secretaries)"),
            evaluate=reminders.birthday_lists,
            order=12,
        )
