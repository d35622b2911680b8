"""Forms parse and check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import (
    Outcome,
    Progress,
    Reason,
    Student,
    VisitKind,
)
from assistance.services import parse_score

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = [
            "name",
            "gender",
            "grade",
            "class_number",
            "school_year",
            "guardian_name",
            "guardian_phone",
            "family_notes",
            "status",
            "left_on",
        ]
        widgets = {"left_on": DATE, "family_notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, schools: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].widget.attrs.update(min=1, max=12)
        if schools is not None and self.instance.pk is None:
            self.fields["school"] = forms.ModelChoiceField(
                queryset=schools, label=_("School"), empty_label=None
            )
            self.order_fields(["school", *self._meta.fields])


class PairingForm(forms.Form):
    student = forms.ModelChoiceField(queryset=Student.objects.none(), label=_("Student"))
    mentor = forms.ModelChoiceField(queryset=None, label=_("Mentor"))
    started_on = forms.DateField(label=_("Start date"), widget=DATE)
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    subjects = forms.CharField(
        label=_("Subjects followed"),
        required=False,
        max_length=100,
        help_text=_("Separate subjects with commas, for example 语文,数学."),
    )
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(
        label=_("Plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, students: Any, mentors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["mentor"].queryset = mentors
        self.fields["started_on"].initial = timezone.localdate()


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


class VisitForm(forms.Form):
    """The quick form a teacher fills on her phone right after a visit."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    content = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    student_state = forms.CharField(
        label=_("The student's state"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_step = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["duration_minutes"].initial = 30


class AssessmentForm(forms.Form):
    term = forms.CharField(
        label=_("Term or exam"),
        max_length=50,
        help_text=_("For example 2025-2026 第一学期期中."),
    )
    assessed_on = forms.DateField(label=_("Date"), widget=DATE)
    progress = forms.ChoiceField(label=_("Progress"), choices=Progress.choices)
    assessment = forms.CharField(
        label=_("Mentor's assessment"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, subjects: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        self.subjects = subjects
        for i, subject in enumerate(subjects):
            self.fields[f"score_{i}"] = forms.CharField(
                label=_("Result in %(subject)s") % {"subject": subject},
                required=False,
                max_length=10,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        results: dict[str, float | None] = {}
        for i, subject in enumerate(self.subjects):
            try:
                results[subject] = parse_score(data.get(f"score_{i}", ""))
            except ValueError:
                self.add_error(f"score_{i}", _("Enter a number between 0 and 1000."))
        data["results"] = results
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    school = forms.ModelChoiceField(label=_("School"), queryset=None)

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = None
        if len(schools) == 1:
            self.fields["school"].widget = forms.HiddenInput()
            self.fields["school"].initial = schools[0].pk
