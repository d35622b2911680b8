"""Members to and from spreadsheets with Chinese column headers.

Export goes through django-import-export's `MemberResource` (its Chinese column names and
widgets), rendered by the shared `branchwork.exporters.Exporter` so that formula cells
are escaped. Import goes through the kernel's two-phase `Importer`: django-import-export's
own import path looks each row up one query at a time, which would miss the import
benchmark's per-batch query target, and reports errors by field name rather than by the
Chinese column the user sees.

Natural key (so that re-importing the same file updates rather than duplicates): within
the school, the ID-card number when the row has one; otherwise name + birth date;
otherwise name within the row's branch.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branchwork.access import scope_for
from branchwork.exporters import Exporter
from branchwork.imports import (
    Column,
    Importer,
    ImportResult,
    RowError,
    clean_text,
    column_of,
    parse_bool,
    parse_choice,
    parse_date,
    validation_errors,
)
from branchwork.models import Organisation
from members.models import Education, Gender, Member, MemberPost, Post, Stage, StageChange
from members.services import STAGE_DATE_FIELD, check_dates

STAGE_WORDS = {
    "入党申请人": Stage.APPLICANT, "申请人": Stage.APPLICANT, "申请入党": Stage.APPLICANT,
    "入党积极分子": Stage.ACTIVIST, "积极分子": Stage.ACTIVIST,
    "发展对象": Stage.TARGET,
    "预备党员": Stage.PROBATIONARY, "预备": Stage.PROBATIONARY,
    "正式党员": Stage.FULL, "党员": Stage.FULL, "正式": Stage.FULL,
    **{stage.value: stage.value for stage in Stage},
}  # fmt: skip
GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
EDUCATION_WORDS = {
    "研究生": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE, "硕士研究生": Education.POSTGRADUATE,
    "本科": Education.BACHELOR, "大学本科": Education.BACHELOR, "大学": Education.BACHELOR,
    "大专": Education.JUNIOR_COLLEGE, "专科": Education.JUNIOR_COLLEGE,
    "中专": Education.SECONDARY, "高中": Education.SECONDARY, "高中及以下": Education.SECONDARY,
}  # fmt: skip
POST_WORDS = {
    "书记": Post.SECRETARY, "支部书记": Post.SECRETARY,
    "副书记": Post.DEPUTY_SECRETARY,
    "组织委员": Post.ORGANISATION, "宣传委员": Post.PROPAGANDA,
    "纪检委员": Post.DISCIPLINE, "党小组长": Post.GROUP_LEADER, "小组长": Post.GROUP_LEADER,
}  # fmt: skip


def parse_posts(value: Any) -> list[str]:
    text = clean_text(value)
    if not text or text in {"无", "-", "—"}:
        return []
    parse = parse_choice(POST_WORDS)
    parts = re.split(r"[,，、;；]", text)
    return sorted({parse(part) for part in parts if clean_text(part)})


def parse_id_card(value: Any) -> str:
    return clean_text(value).replace(" ", "").upper()


COLUMNS = [
    Column("name", ("姓名", "名字"), required=True),
    Column("gender", ("性别",), parse_choice(GENDER_WORDS)),
    Column("birth_date", ("出生日期", "出生年月", "生日"), parse_date),
    Column("ethnicity", ("民族",)),
    Column("education", ("学历", "文化程度"), parse_choice(EDUCATION_WORDS)),
    Column("id_card", ("身份证号", "身份证号码", "公民身份号码"), parse_id_card),
    Column("phone", ("联系电话", "手机", "手机号", "电话")),
    Column("email", ("电子邮箱", "邮箱")),
    Column("branch", ("所在支部", "支部"), required=True),
    Column("group", ("党小组", "所在党小组")),
    Column("stage", ("人员类别", "类别", "政治面貌"), parse_choice(STAGE_WORDS), required=True),
    Column("application_date", ("申请入党时间", "申请入党日期"), parse_date),
    Column("activist_date", ("确定积极分子时间", "确定为积极分子时间"), parse_date),
    Column("target_date", ("确定发展对象时间", "确定为发展对象时间"), parse_date),
    Column("admission_date", ("入党时间", "入党日期", "发展时间"), parse_date),
    Column("full_membership_date", ("转正时间", "转正日期"), parse_date),
    Column("posts", ("党内职务", "职务"), parse_posts),
    Column("subject", ("任教学科", "学科")),
    Column("grade_taught", ("任教年级", "年级")),
    Column("professional_title", ("职称",)),
    Column("is_backbone_teacher", ("骨干教师", "是否骨干教师"), parse_bool),
]
LABELS = {column.field: column.label for column in COLUMNS}
LABELS["organisation"] = LABELS["branch"]
MODEL_FIELDS = [c.field for c in COLUMNS if c.field not in {"branch", "group", "posts", "stage"}]


@dataclass
class PlannedMember:
    number: int
    member: Member
    is_new: bool
    changed: list[str] = field(default_factory=list)
    posts: list[str] | None = None


class MemberImporter(Importer):
    columns = COLUMNS
    key_description = "身份证号；无则 姓名+出生日期；再无则 姓名+所在支部"

    def __init__(self, *, school: Organisation, user: Any) -> None:
        self.school = school
        self.user = user

    def prepare(self) -> None:
        organisations = list(Organisation.objects.filter(school=self.school))
        scope = scope_for(self.user) if self.user is not None else None
        self.branches = {
            org.name: org for org in organisations if org.kind == Organisation.Kind.BRANCH
        }
        self.allowed_branch_ids = {
            org.pk
            for org in self.branches.values()
            if scope is None or scope.has_in("members.change", org)
        }
        self.groups = {
            (org.parent_id, org.name): org
            for org in organisations
            if org.kind == Organisation.Kind.GROUP
        }
        existing = list(
            Member.objects.filter(organisation__school=self.school).select_related("organisation")
        )
        self.by_id_card = {m.id_card: m for m in existing if m.id_card}
        self.by_name_birth = {(m.name, m.birth_date): m for m in existing if m.birth_date}
        self.by_name_branch = {(m.name, m.organisation_id): m for m in existing}
        self.seen: dict[tuple, int] = {}

    def _find(self, values: dict[str, Any], branch: Organisation) -> tuple[tuple, Member | None]:
        if values.get("id_card"):
            key = ("id", values["id_card"])
            return key, self.by_id_card.get(values["id_card"])
        if values.get("birth_date"):
            key = ("nb", values["name"], values["birth_date"])
            return key, self.by_name_birth.get((values["name"], values["birth_date"]))
        key = ("nbr", values["name"], branch.pk)
        return key, self.by_name_branch.get((values["name"], branch.pk))

    def build_row(self, number: int, values: dict[str, Any], errors: list[RowError]):
        branch = self.branches.get(values["branch"])
        if branch is None:
            errors.append(
                RowError(
                    number,
                    column_of(values, "branch"),
                    _("There is no branch “%(name)s” in %(school)s.")
                    % {"name": values["branch"], "school": self.school.name},
                )
            )
            return None
        if branch.pk not in self.allowed_branch_ids:
            errors.append(
                RowError(
                    number,
                    column_of(values, "branch"),
                    _("You may not import members into “%(name)s”.") % {"name": branch.name},
                )
            )
            return None
        group = None
        if values.get("group"):
            group = self.groups.get((branch.pk, values["group"]))
            if group is None:
                errors.append(
                    RowError(
                        number,
                        column_of(values, "group"),
                        _("There is no party group “%(group)s” in “%(branch)s”.")
                        % {"group": values["group"], "branch": branch.name},
                    )
                )
                return None
        key, existing = self._find(values, branch)
        if key in self.seen:
            errors.append(
                RowError(
                    number,
                    column_of(values, "name"),
                    _("The same person as in row %(row)s.") % {"row": self.seen[key]},
                )
            )
            return None
        self.seen[key] = number

        member = existing or Member()
        changed: list[str] = []
        for name in MODEL_FIELDS:
            if name not in values:
                continue
            value = values[name]
            if value is None and name == "is_backbone_teacher":
                continue
            if value is None and existing is not None and name.endswith("_date"):
                continue  # an empty cell does not erase a date we already know
            if getattr(member, name) != value:
                setattr(member, name, value)
                changed.append(name)
        if existing is None:
            member.organisation, member.group, member.stage = branch, group, values["stage"]
        else:
            if existing.organisation_id != branch.pk:
                errors.append(
                    RowError(
                        number,
                        column_of(values, "branch"),
                        _("%(name)s is in “%(current)s”; move her with a transfer, not an "
                          "import.") % {"name": existing.name,
                                         "current": existing.organisation.name},
                    )
                )  # fmt: skip
                return None
            if existing.stage != values["stage"]:
                errors.append(
                    RowError(
                        number,
                        column_of(values, "stage"),
                        _("%(name)s is recorded as “%(current)s”; change the stage in the "
                          "pipeline, where its rules are checked.")
                        % {"name": existing.name, "current": existing.get_stage_display()},
                    )
                )  # fmt: skip
                return None
            if (group.pk if group else None) != existing.group_id and "group" in values:
                member.group = group
                changed.append("group")
        try:
            member.full_clean(
                exclude=["organisation", "group", "user", "contacts"],
                validate_unique=False,
                validate_constraints=False,
            )
            check_dates(member)
        except ValidationError as exc:
            errors.extend(validation_errors(number, exc, values, LABELS))
            return None
        posts = values.get("posts")
        return PlannedMember(number, member, existing is None, changed, posts)

    def describe(self, planned: PlannedMember) -> dict[str, Any]:
        m = planned.member
        return {
            "row": planned.number,
            "cells": [m.name, m.organisation.name, str(m.get_stage_display())],
            "action": _("new")
            if planned.is_new
            else (_("update") if planned.changed else _("unchanged")),
        }

    def count_planned(self, planned: list[PlannedMember], result: ImportResult) -> None:
        result.created = sum(1 for p in planned if p.is_new)
        result.updated = sum(1 for p in planned if not p.is_new and p.changed)
        result.unchanged = len(planned) - result.created - result.updated

    def commit(self, planned: list[PlannedMember], result: ImportResult) -> None:
        self.count_planned(planned, result)
        reason = _("Spreadsheet import")
        new = [p.member for p in planned if p.is_new]
        if new:
            bulk_create_with_history(
                new, Member, batch_size=500, default_user=self.user, default_change_reason=reason
            )
            today = timezone.localdate()
            StageChange.objects.bulk_create(
                [
                    StageChange(
                        member=m,
                        kind=StageChange.Kind.RECORDED,
                        to_stage=m.stage,
                        date=getattr(m, STAGE_DATE_FIELD[Stage(m.stage)]) or today,
                        basis=reason,
                        recorded_by=self.user,
                    )
                    for m in new
                ],
                batch_size=1000,
            )
        updated = [p for p in planned if not p.is_new and p.changed]
        if updated:
            changed_fields = sorted({name for p in updated for name in p.changed})
            bulk_update_with_history(
                [p.member for p in updated],
                Member,
                changed_fields,
                batch_size=500,
                default_user=self.user,
                default_change_reason=reason,
            )
        with_posts = [p for p in planned if p.posts is not None]
        if with_posts:
            MemberPost.objects.filter(member__in=[p.member for p in with_posts]).delete()
            bulk_create_with_history(
                [MemberPost(member=p.member, post=post) for p in with_posts for post in p.posts],
                MemberPost,
                batch_size=1000,
                default_user=self.user,
                default_change_reason=reason,
            )


# --- Export ------------------------------------------------------------------------------


class MemberResource(resources.ModelResource):
    """The roster's columns, named as the import reads them (so an export re-imports)."""

    name = fields.Field("name", column_name="姓名")
    gender = fields.Field(column_name="性别")
    birth_date = fields.Field("birth_date", "出生日期", widgets.DateWidget("%Y-%m-%d"))
    ethnicity = fields.Field("ethnicity", column_name="民族")
    education = fields.Field(column_name="学历")
    phone = fields.Field("phone", column_name="联系电话")
    email = fields.Field("email", column_name="电子邮箱")
    branch = fields.Field("organisation__name", column_name="所在支部")
    group = fields.Field("group__name", column_name="党小组")
    stage = fields.Field(column_name="人员类别")
    application_date = fields.Field(
        "application_date", "申请入党时间", widgets.DateWidget("%Y-%m-%d")
    )
    activist_date = fields.Field(
        "activist_date", "确定积极分子时间", widgets.DateWidget("%Y-%m-%d")
    )
    target_date = fields.Field("target_date", "确定发展对象时间", widgets.DateWidget("%Y-%m-%d"))
    admission_date = fields.Field("admission_date", "入党时间", widgets.DateWidget("%Y-%m-%d"))
    full_membership_date = fields.Field(
        "full_membership_date", "转正时间", widgets.DateWidget("%Y-%m-%d")
    )
    posts = fields.Field(column_name="党内职务")
    subject = fields.Field("subject", column_name="任教学科")
    grade_taught = fields.Field("grade_taught", column_name="任教年级")
    professional_title = fields.Field("professional_title", column_name="职称")
    is_backbone_teacher = fields.Field(column_name="骨干教师")

    class Meta:
        model = Member
        fields = export_order = (
            "name", "gender", "birth_date", "ethnicity", "education", "phone", "email",
            "branch", "group", "stage", "application_date", "activist_date", "target_date",
            "admission_date", "full_membership_date", "posts", "subject", "grade_taught",
            "professional_title", "is_backbone_teacher",
        )  # fmt: skip

    def __init__(self, *, with_private: bool = False) -> None:
        super().__init__()
        self.with_private = with_private

    def get_export_fields(self, selected_fields=None):
        export = super().get_export_fields(selected_fields)
        if not self.with_private:
            export = [
                f for f in export if f.column_name not in ("出生日期", "联系电话", "电子邮箱")
            ]
        return export

    def dehydrate_gender(self, member: Member) -> str:
        return {"M": "男", "F": "女"}.get(member.gender, "")

    def dehydrate_education(self, member: Member) -> str:
        reverse = {
            v: k for k, v in EDUCATION_WORDS.items() if k in ("研究生", "本科", "大专", "中专")
        }
        return reverse.get(member.education, "")

    def dehydrate_stage(self, member: Member) -> str:
        return {
            Stage.APPLICANT: "入党申请人", Stage.ACTIVIST: "入党积极分子",
            Stage.TARGET: "发展对象", Stage.PROBATIONARY: "预备党员", Stage.FULL: "正式党员",
        }[member.stage]  # fmt: skip

    def dehydrate_posts(self, member: Member) -> str:
        names = {v: k for k, v in POST_WORDS.items() if k not in ("支部书记", "小组长")}
        return "、".join(names[p.post] for p in member.posts.all())

    def dehydrate_is_backbone_teacher(self, member: Member) -> str:
        return "是" if member.is_backbone_teacher else "否"


class RosterExporter(Exporter):
    """The roster as a spreadsheet (xlsx/csv), through the shared exporter base."""

    def __init__(self, members: QuerySet[Member], *, with_private: bool, day: datetime.date):
        self.members = members
        self.resource = MemberResource(with_private=with_private)
        self.title = f"党员名册-{day:%Y%m%d}"

    def header(self) -> Sequence[str]:
        return self.resource.get_export_headers()

    def rows(self) -> Iterable[Sequence[Any]]:
        dataset = self.resource.export(queryset=self.members)
        for row in dataset:
            yield list(row)
