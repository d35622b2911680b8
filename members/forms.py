"""Forms of the members pages: they parse and show errors; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branchwork.models import Organisation
from members.models import Member, PipelineRules, Post, Stage, Status

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    posts = forms.MultipleChoiceField(
        label=_("Party posts"),
        choices=Post.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Member
        fields = [
            "name", "gender", "birth_date", "ethnicity", "education", "id_card", "phone",
            "email", "organisation", "group", "stage", "application_date", "talk_date",
            "activist_date", "last_review_date", "target_date", "training_hours",
            "admission_date", "full_membership_date", "subject", "grade_taught",
            "professional_title", "is_backbone_teacher", "transferred_in_from",
        ]  # fmt: skip
        widgets = dict.fromkeys(
            [
                "birth_date", "application_date", "talk_date", "activist_date",
                "last_review_date", "target_date", "admission_date", "full_membership_date",
            ],
            DATE_WIDGET,
        )  # fmt: skip

    def __init__(self, *args: Any, branches: list[Organisation], editing: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[b.pk for b in branches]
        ).order_by("path")
        self.fields["organisation"].empty_label = None
        self.fields["group"].queryset = Organisation.objects.filter(
            parent__in=branches, kind=Organisation.Kind.GROUP
        ).order_by("path")
        self.fields["group"].label_from_instance = lambda g: f"{g.parent.name} · {g.name}"
        if editing:
            # Stage and branch change only through the pipeline and transfer pages.
            for name in ("organisation", "stage", "transferred_in_from"):
                del self.fields[name]
            self.fields["posts"].initial = list(self.instance.posts.values_list("post", flat=True))
        else:
            self.fields["stage"].initial = Stage.APPLICANT

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("posts", None)
        return data


class AdvanceForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    basis = forms.CharField(
        label=_("Basis"),
        max_length=300,
        help_text=_("E.g. the branch general meeting of 2024-06-28 that voted."),
    )


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("Extend by (months)"), min_value=1, max_value=24)
    date = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET, initial=timezone.localdate)
    basis = forms.CharField(label=_("Basis"), max_length=300)


class RecordForm(forms.Form):
    WHAT = [("talk", _("Talk with the applicant")), ("review", _("Six-monthly activist review"))]
    what = forms.ChoiceField(label=_("What was done"), choices=WHAT)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)


class TransferForm(forms.Form):
    KINDS = [("within", _("To another branch of the school")), ("out", _("Out of the school"))]
    kind = forms.ChoiceField(label=_("Transfer"), choices=KINDS, widget=forms.RadioSelect)
    to_branch = forms.ModelChoiceField(
        label=_("New branch"), queryset=Organisation.objects.none(), required=False
    )
    destination = forms.CharField(
        label=_("Transferred to (organisation outside the school)"),
        max_length=200,
        required=False,
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args: Any, branches: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = Organisation.objects.filter(
            pk__in=[b.pk for b in branches]
        ).order_by("path")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == "within" and not data.get("to_branch"):
            self.add_error("to_branch", _("Choose the new branch."))
        if data.get("kind") == "out" and not data.get("destination"):
            self.add_error("destination", _("Say where the member is transferred to."))
        return data


class ArchiveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Archive as"),
        choices=[(Status.DECEASED, Status.DECEASED.label), (Status.REMOVED, Status.REMOVED.label)],
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, schools: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Organisation.objects.filter(pk__in=[s.pk for s in schools])
        self.fields["school"].empty_label = None
        if len(schools) == 1:
            self.fields["school"].widget = forms.HiddenInput()
            self.fields["school"].initial = schools[0].pk


class ContactsForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts (培养联系人)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or two party members who guide this person."),
    )

    def __init__(self, *args: Any, candidates, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = candidates


class RulesForm(forms.ModelForm):
    class Meta:
        model = PipelineRules
        fields = [
            "talk_within_days", "review_every_months", "activist_min_months",
            "target_min_training_hours", "probation_months", "extension_min_months",
            "extension_max_months",
        ]  # fmt: skip
