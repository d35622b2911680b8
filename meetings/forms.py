"""Forms of the meetings pages: parse and validate input; writes happen in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from branchwork.models import Organisation
from meetings.models import (
    AttachmentKind,
    AttendanceStatus,
    DecisionCategory,
    Frequency,
    Meeting,
    MeetingStatus,
    MeetingType,
    Quorum,
)
from members.models import Member

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
RICH_WIDGET = forms.Textarea(attrs={"rows": 6})


class MeetingForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    meeting_type = forms.ChoiceField(label=_("Meeting type"), choices=MeetingType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET, required=False)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    host = forms.ModelChoiceField(label=_("Host"), queryset=Member.objects.none(), required=False)
    recorder = forms.ModelChoiceField(
        label=_("Recorder"), queryset=Member.objects.none(), required=False
    )
    lecture_title = forms.CharField(
        label=_("Lecture title (party lecture)"), max_length=200, required=False
    )
    lecturer = forms.CharField(label=_("Lecturer (party lecture)"), max_length=50, required=False)
    topics = forms.CharField(label=_("Topics"), widget=RICH_WIDGET, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=RICH_WIDGET, required=False)
    resolutions = forms.CharField(label=_("Resolutions"), widget=RICH_WIDGET, required=False)
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), max_length=200, required=False
    )

    def __init__(self, *args: Any, user: Any, meeting: Meeting | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        people = (
            Member.objects.visible_to(user, "meetings.change")
            .active()
            .select_related("organisation")
            .order_by("organisation__path", "name")
        )
        self.fields["host"].queryset = people
        self.fields["recorder"].queryset = people
        if meeting is None:
            self.fields["organisation"].queryset = Organisation.objects.visible_to(
                user, "meetings.change"
            ).order_by("path")
            del self.fields["minutes"]
            del self.fields["resolutions"]
            del self.fields["correction_reason"]
        else:
            del self.fields["organisation"]
            if meeting.status != MeetingStatus.ARCHIVED:
                del self.fields["correction_reason"]
            else:
                self.fields["correction_reason"].required = True


class AttendanceForm(forms.Form):
    """One status and reason per attendee row, plus people to add."""

    rest_present = forms.BooleanField(
        label=_("Mark everyone not yet marked as present"), required=False
    )
    add_member = forms.ModelChoiceField(
        label=_("Add a member"), queryset=Member.objects.none(), required=False
    )
    add_guest = forms.CharField(label=_("Invite a guest (name)"), max_length=50, required=False)
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), max_length=200, required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, records: list, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.records = records
        listed = [r.member_id for r in records if r.member_id]
        self.fields["add_member"].queryset = (
            Member.objects.visible_to(user, "meetings.change")
            .active()
            .filter(organisation__school_id=meeting.organisation.school_id)
            .exclude(id__in=listed)
            .order_by("name")
        )
        for record in records:
            # The table shows the widgets without <label>s: each carries its own name, so
            # a screen reader says whose attendance a select or a reason box is.
            name = record.display_name
            self.fields[f"status-{record.id}"] = forms.ChoiceField(
                label=name,
                choices=AttendanceStatus.choices,
                initial=record.status,
                widget=forms.Select(
                    attrs={"aria-label": format_lazy(_("Attendance of {name}"), name=name)}
                ),
            )
            self.fields[f"reason-{record.id}"] = forms.CharField(
                label=_("Reason"),
                max_length=200,
                required=False,
                initial=record.reason,
                widget=forms.TextInput(
                    attrs={
                        "placeholder": _("Reason"),
                        "aria-label": format_lazy(_("Reason for {name}"), name=name),
                    }
                ),
            )
            self.fields[f"remove-{record.id}"] = forms.BooleanField(
                label=_("Remove"),
                required=False,
                widget=forms.CheckboxInput(
                    attrs={"aria-label": format_lazy(_("Remove {name}"), name=name)}
                ),
            )
        if not meeting.is_archived:
            del self.fields["correction_reason"]
        else:
            self.fields["correction_reason"].required = True

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "record": r,
                "status": self[f"status-{r.id}"],
                "reason": self[f"reason-{r.id}"],
                "remove": self[f"remove-{r.id}"],
            }
            for r in self.records
        ]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(
        label=_("三重一大"),
        choices=[("", _("Not a 三重一大 matter")), *DecisionCategory.choices],
        required=False,
    )
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), max_length=200, required=False
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("File"))
    correction_reason = forms.CharField(
        label=_("Reason for the correction"), max_length=200, required=False
    )


class RulesForm(forms.Form):
    spring_starts_month = forms.IntegerField(
        label=_("Spring term starts in month"), min_value=1, max_value=12
    )
    autumn_starts_month = forms.IntegerField(
        label=_("Autumn term starts in month"), min_value=1, max_value=12
    )

    def __init__(self, *args: Any, rules: dict, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.types = list(MeetingType)
        for meeting_type in self.types:
            rule = rules[meeting_type]
            self.fields[f"{meeting_type}-frequency"] = forms.ChoiceField(
                label=_("Frequency"), choices=Frequency.choices, initial=rule.frequency
            )
            self.fields[f"{meeting_type}-times"] = forms.IntegerField(
                label=_("Times per period"), min_value=1, max_value=31, initial=rule.times
            )
            self.fields[f"{meeting_type}-quorum"] = forms.ChoiceField(
                label=_("Quorum"), choices=Quorum.choices, initial=rule.quorum
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        spring, autumn = data.get("spring_starts_month"), data.get("autumn_starts_month")
        if spring and autumn and spring >= autumn:
            self.add_error(
                "autumn_starts_month", _("The autumn term must start after the spring term.")
            )
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": t.label,
                "frequency": self[f"{t}-frequency"],
                "times": self[f"{t}-times"],
                "quorum": self[f"{t}-quorum"],
            }
            for t in self.types
        ]

    def rules(self) -> dict[str, dict[str, Any]]:
        return {
            t.value: {
                "frequency": self.cleaned_data[f"{t}-frequency"],
                "times": self.cleaned_data[f"{t}-times"],
                "quorum": self.cleaned_data[f"{t}-quorum"],
            }
            for t in self.types
        }
