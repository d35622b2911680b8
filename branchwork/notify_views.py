"""Reminder pages: the inbox, preferences, and the admin's outbox and group robots."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from branchwork import reminders
from branchwork.access import get_visible_or_404, requires
from branchwork.http import posted
from branchwork.models import (
    PERSONAL_CHANNELS,
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    Organisation,
    RobotWebhook,
)
from branchwork.registry import REMINDER_RULES


@requires("branchwork.inbox")
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user, "branchwork.inbox")
    page = Paginator(notifications.order_by("-created_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "branchwork/inbox.html", {"page": page})


@requires("branchwork.inbox")
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.visible_to(request.user, "branchwork.inbox").unread()
    pk = request.POST.get("pk")
    if pk:
        notification = get_visible_or_404(Notification, request.user, "branchwork.inbox", pk=pk)
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if notification.link and request.POST.get("open"):
            return redirect(notification.link)
    else:
        notifications.update(read_at=timezone.now())
    return redirect("inbox")


class PreferenceForm(forms.Form):
    quiet_start = forms.TimeField(
        label=gettext_lazy("Quiet hours from"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("Quiet hours until"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    daily_digest = forms.BooleanField(
        label=gettext_lazy("Also send me a daily digest e-mail at 7:30"), required=False
    )


@requires("branchwork.inbox")
def preferences(request: HttpRequest) -> HttpResponse:
    preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(
        posted(request),
        initial={
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
            "daily_digest": preference.daily_digest,
        },
    )
    grid = [
        {
            "rule": rule,
            "channels": [
                {
                    "channel": channel,
                    "name": f"{rule.name}:{channel.value}",
                    "on": preference.allows(rule.name, channel.value),
                }
                for channel in PERSONAL_CHANNELS
            ],
        }
        for rule in REMINDER_RULES
    ]
    if request.method == "POST" and form.is_valid():
        chosen = set(request.POST.getlist("on"))
        preference.muted = sorted(
            entry["name"]
            for row in grid
            for entry in row["channels"]
            if entry["name"] not in chosen
        )
        preference.quiet_start = form.cleaned_data["quiet_start"]
        preference.quiet_end = form.cleaned_data["quiet_end"]
        preference.daily_digest = form.cleaned_data["daily_digest"]
        preference.full_clean()
        preference.save()
        messages.success(request, _("Saved."))
        return redirect("notification-preferences")
    return render(
        request,
        "branchwork/preferences.html",
        {"form": form, "grid": grid, "channels": PERSONAL_CHANNELS},
    )


@requires("branchwork.operations")
def outbox(request: HttpRequest) -> HttpResponse:
    deliveries = Delivery.objects.visible_to(request.user, "branchwork.operations").select_related(
        "notification__recipient", "webhook"
    )
    status = request.GET.get("status", "")
    rule = request.GET.get("rule", "")
    channel = request.GET.get("channel", "")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    if rule:
        deliveries = deliveries.filter(rule=rule)
    if channel in Channel.values:
        deliveries = deliveries.filter(channel=channel)
    page = Paginator(deliveries.order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "branchwork/outbox.html",
        {
            "page": page,
            "statuses": Delivery.Status.choices,
            "channels": Channel.choices,
            "rules": REMINDER_RULES,
            "filters": {"status": status, "rule": rule, "channel": channel},
        },
    )


@requires("branchwork.operations")
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_visible_or_404(Delivery, request.user, "branchwork.operations", pk=pk)
    if delivery.status == Delivery.Status.FAILED:
        reminders.retry(delivery)
        messages.success(request, _("Queued again."))
    return redirect("outbox")


class RobotForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("webhook URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = RobotWebhook
        fields = ["organisation", "channel", "name", "url", "secret", "enabled"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if (
            data.get("channel") == Channel.DINGTALK
            and data.get("secret", "")
            and not data["secret"].startswith("SEC")
        ):
            self.add_error("secret", _("A DingTalk signing secret starts with SEC."))
        return data


@requires("branchwork.manage_robots")
def robots(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.visible_to(request.user, "branchwork.manage_robots")
    form = RobotForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("robots")
    hooks = (
        RobotWebhook.objects.visible_to(request.user, "branchwork.manage_robots")
        .select_related("organisation")
        .order_by("organisation__path", "name")
    )
    return render(request, "branchwork/robots.html", {"form": form, "hooks": hooks})


@requires("branchwork.manage_robots")
@require_POST
def robot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_visible_or_404(RobotWebhook, request.user, "branchwork.manage_robots", pk=pk)
    hook.enabled = False
    hook.save(update_fields=["enabled"])
    messages.success(request, _("The robot was switched off."))
    return redirect("robots")
