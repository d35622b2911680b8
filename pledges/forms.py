"""Forms of the pledges app: input parsing only; the rules live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from pledges.models import Category, Grade, PledgeStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PledgeForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    text = forms.CharField(
        label=_("Pledge"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you commit to, in your own words."),
    )
    target_amount = forms.DecimalField(
        label=_("Target amount"), min_value=Decimal("0.1"), max_digits=8, decimal_places=1
    )
    target_unit = forms.CharField(label=_("Unit"), max_length=10, help_text=_("e.g. 节, 次, 篇"))
    target_text = forms.CharField(
        label=_("Measurable target"), max_length=100, help_text=_("e.g. 4 节示范课")
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].queryset = categories


class AmendForm(forms.Form):
    """Change an approved pledge: the reason is required and kept in the history."""

    text = PledgeForm.base_fields["text"]
    target_amount = PledgeForm.base_fields["target_amount"]
    target_unit = PledgeForm.base_fields["target_unit"]
    target_text = PledgeForm.base_fields["target_text"]
    due_date = PledgeForm.base_fields["due_date"]
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))]
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (s.value, s.label)
            for s in (
                PledgeStatus.FULFILLED,
                PledgeStatus.PARTLY_FULFILLED,
                PledgeStatus.NOT_FULFILLED,
            )
        ],
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class FulfilmentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = forms.DecimalField(
        label=_("Progress"),
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=1,
        help_text=_("How much of the target this counts for, in the pledge's unit."),
    )
    evidence = forms.FileField(
        label=_("Evidence (photo, PDF, Word or Excel)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Review"), choices=[("accept", _("Accept")), ("return", _("Return"))]
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class BandsForm(forms.Form):
    excellent_from = forms.DecimalField(
        label=_("Excellent from"), max_digits=5, decimal_places=1, min_value=0
    )
    qualified_from = forms.DecimalField(
        label=_("Qualified from"), max_digits=5, decimal_places=1, min_value=0
    )
    basic_from = forms.DecimalField(
        label=_("Basically qualified from"), max_digits=5, decimal_places=1, min_value=0
    )


class LetterForm(forms.Form):
    """Signing date plus one score field per item (built from the letter's items)."""

    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"weight_{item.pk}"] = forms.DecimalField(
                label=_("Weight of “%(item)s”") % {"item": item.text},
                min_value=Decimal("0.1"),
                max_digits=5,
                decimal_places=1,
                initial=item.max_score,
            )
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=item.text,
                required=False,
                min_value=Decimal("0"),
                max_digits=5,
                decimal_places=1,
                initial=item.score,
            )

    def scores(self) -> dict[int, Decimal | None]:
        return {item.pk: self.cleaned_data.get(f"score_{item.pk}") for item in self.items}

    def weights(self) -> dict[int, Decimal]:
        return {item.pk: self.cleaned_data[f"weight_{item.pk}"] for item in self.items}

    def item_fields(self):
        return [(item, self[f"weight_{item.pk}"], self[f"score_{item.pk}"]) for item in self.items]


class LetterItemForm(forms.Form):
    new_item_text = forms.CharField(label=_("Item"), max_length=300)
    new_item_max = forms.DecimalField(
        label=_("Weight (maximum score)"), min_value=Decimal("0.1"), max_digits=5, decimal_places=1
    )


class ReviewGradesForm(forms.Form):
    """One 民主评议 grade per appraised member; probationary members get no field."""

    acknowledge_over_limit = forms.BooleanField(
        label=_("The branch decided to grade more than one third excellent"), required=False
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        choices = [("", _("Not graded")), *Grade.choices]
        for row in self.rows:
            if row.is_probationary:
                continue
            self.fields[f"grade_{row.member.pk}"] = forms.ChoiceField(
                label=row.member.name,
                choices=choices,
                required=False,
                initial=row.review_grade,
            )

    def grades(self) -> dict[int, str]:
        """Every posted grade, probationary members' included (the service refuses those)."""
        grades = {
            row.member.pk: self.cleaned_data.get(f"grade_{row.member.pk}", "")
            for row in self.rows
            if not row.is_probationary
        }
        for row in self.rows:
            if row.is_probationary and self.data.get(f"grade_{row.member.pk}"):
                grades[row.member.pk] = self.data[f"grade_{row.member.pk}"]
        return grades

    def grade_fields(self):
        return [
            (row, None if row.is_probationary else self[f"grade_{row.member.pk}"])
            for row in self.rows
        ]


class SelfAssessmentForm(forms.Form):
    self_assessment = forms.CharField(
        label=_("Self-assessment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )


class CommentForm(forms.Form):
    secretary_comment = forms.CharField(
        label=_("Secretary's comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
