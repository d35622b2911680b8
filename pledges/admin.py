from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pledges.models import (
    Appraisal,
    AppraisalBands,
    Category,
    Fulfilment,
    LetterItem,
    Pledge,
    ResponsibilityLetter,
    ReviewRound,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "position", "is_active"]
    list_filter = ["organisation"]


class FulfilmentInline(admin.TabularInline):
    model = Fulfilment
    extra = 0
    fields = ["date", "description", "amount", "status", "review_comment"]


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "category", "target_text", "status", "due_date"]
    list_filter = ["year", "status", "organisation__school"]
    search_fields = ["member__name", "text"]
    list_select_related = ["member", "category"]
    raw_id_fields = ["member", "organisation", "approved_by"]
    inlines = [FulfilmentInline]


class LetterItemInline(admin.TabularInline):
    model = LetterItem
    extra = 0


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "kind", "signed_on"]
    list_filter = ["year", "kind"]
    raw_id_fields = ["member", "organisation"]
    inlines = [LetterItemInline]


@admin.register(Appraisal)
class AppraisalAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "review_grade"]
    list_filter = ["year", "review_grade"]
    raw_id_fields = ["member", "organisation"]


admin.site.register(AppraisalBands, SimpleHistoryAdmin)
admin.site.register(ReviewRound, SimpleHistoryAdmin)
