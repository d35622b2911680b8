"""The reminder engine: evaluate every registered rule, write the outbox, deliver.

Apps contribute rules (`register_reminder_rule` in their AppConfig.ready(), code in their
`reminders.py`); the engine never imports them. One sweep:

1. evaluates every rule for today → `Occasion`s;
2. writes a `Notification` per occasion and recipient with a unique key (rule, subject,
   recipient, occasion) — `bulk_create(ignore_conflicts=True)`, so concurrent or repeated
   sweeps create each reminder once;
3. writes a `Delivery` per notification and personal channel (e-mail) the recipient
   allows, and per enabled group robot of the organisation (or its school) for rules
   that post to robots — again unique in the database;
4. queues a delivery task (by id, after commit) for every delivery that is due, including
   ones whose worker died mid-send (claimed longer ago than `REMINDER_STALE_SECONDS`).

Delivery claims its row with SELECT … FOR UPDATE SKIP LOCKED, so two workers never send
the same row at once. Guarantee: at-least-once per channel. A worker killed after the
e-mail left but before the row was marked sent will send it again after the stale
timeout; e-mail has no receiver-side de-duplication, so that window (between the SMTP
answer and the next commit) is kept as short as one UPDATE.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from branchwork.models import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    Organisation,
    RobotWebhook,
    RoleAssignment,
)
from branchwork.registry import REMINDER_RULES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Occasion:
    rule: str
    subject_key: str
    occasion: datetime.date
    organisation_id: int
    recipients: tuple[int, ...]
    title: str
    body: str = ""
    link: str = ""


@dataclass
class SweepResult:
    occasions: int = 0
    notifications: int = 0
    deliveries: int = 0
    queued: int = 0
    by_rule: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    planned: list[Occasion] = field(default_factory=list)


def users_with_roles(organisation_ids: set[int], roles: tuple[str, ...]) -> dict[int, set[int]]:
    """organisation id → ids of active users holding one of `roles` there (one query)."""
    result: dict[int, set[int]] = defaultdict(set)
    for org_id, user_id in RoleAssignment.objects.filter(
        organisation_id__in=organisation_ids, role__in=roles, user__is_active=True
    ).values_list("organisation_id", "user_id"):
        result[org_id].add(user_id)
    return result


def evaluate(today: datetime.date) -> list[Occasion]:
    occasions: list[Occasion] = []
    with translation.override(settings.LANGUAGE_CODE):
        for rule in REMINDER_RULES:
            occasions.extend(rule.evaluate(today))
    return occasions


def _quiet_until(now: datetime.datetime, preference: NotificationPreference | None):
    """The first moment after `now` outside the recipient's quiet hours."""
    if preference is not None:
        start, end = preference.quiet_start, preference.quiet_end
    elif settings.REMINDER_QUIET_HOURS:
        start, end = (
            datetime.time.fromisoformat(part) for part in settings.REMINDER_QUIET_HOURS.split("-")
        )
    else:
        return now
    local = timezone.localtime(now)
    current = local.time()
    if start == end:
        return now
    quiet = (start <= current or current < end) if start > end else (start <= current < end)
    if not quiet:
        return now
    day = local.date() if current < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, end))


def sweep(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> SweepResult:  # fmt: skip
    """One pass of the engine (see the module's docstring)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    result = SweepResult()
    occasions = evaluate(today)
    result.occasions = len(occasions)
    wanted = {
        (o.rule, o.subject_key, user_id, o.occasion): o
        for o in occasions
        for user_id in o.recipients
    }
    if not wanted:
        if not dry_run:
            result.queued = dispatch_due(now=now)
        return result
    earliest = min(o.occasion for o in occasions)
    existing = set(
        Notification.objects.filter(
            occasion__gte=earliest, rule__in={o.rule for o in occasions}
        ).values_list("rule", "subject_key", "recipient_id", "occasion")
    )
    new_keys = [key for key in wanted if key not in existing]
    for key in new_keys:
        result.by_rule[key[0]] += 1
    if dry_run:
        result.notifications = len(new_keys)
        result.planned = list({id(wanted[k]): wanted[k] for k in new_keys}.values())
        return result
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    rule=rule, subject_key=subject, recipient_id=user_id, occasion=occasion,
                    organisation_id=wanted[(rule, subject, user_id, occasion)].organisation_id,
                    title=wanted[(rule, subject, user_id, occasion)].title[:200],
                    body=wanted[(rule, subject, user_id, occasion)].body,
                    link=wanted[(rule, subject, user_id, occasion)].link,
                )
                for rule, subject, user_id, occasion in new_keys
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )  # fmt: skip
        result.notifications = len(new_keys)
        result.deliveries = _create_deliveries(occasions, new_keys, wanted, now)
    result.queued = dispatch_due(now=now)
    return result


def _create_deliveries(occasions, new_keys, wanted, now) -> int:
    """E-mail deliveries for the new notifications, robot messages for robot rules."""
    if not new_keys:
        return 0
    user_ids = {key[2] for key in new_keys}
    users = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email"))
    preferences = {
        p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)
    }
    deliveries: list[Delivery] = []
    # Chunk the OR of keys: one query per thousand new notifications.
    created = []
    for start in range(0, len(new_keys), 1000):
        chunk = Q()
        for rule, subject, user_id, occasion in new_keys[start : start + 1000]:
            chunk |= Q(rule=rule, subject_key=subject, recipient_id=user_id, occasion=occasion)
        created.extend(Notification.objects.filter(chunk))
    muted_in_app = []
    for notification in created:
        preference = preferences.get(notification.recipient_id)
        if preference and not preference.allows(notification.rule, Channel.IN_APP):
            muted_in_app.append(notification.pk)
        if not users.get(notification.recipient_id):
            continue
        if preference and not preference.allows(notification.rule, Channel.EMAIL):
            continue
        deliveries.append(
            Delivery(
                channel=Channel.EMAIL, notification=notification,
                organisation_id=notification.organisation_id, rule=notification.rule,
                subject_key=notification.subject_key, occasion=notification.occasion,
                title=notification.title, body=notification.body, link=notification.link,
                not_before=_quiet_until(now, preference),
            )
        )  # fmt: skip
    # Muted in the app: kept (the outbox is the record), but not shown as unread.
    Notification.objects.filter(pk__in=muted_in_app).update(read_at=now)
    deliveries.extend(_robot_deliveries(occasions, now))
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    return len(deliveries)


def _robot_deliveries(occasions: list[Occasion], now) -> list[Delivery]:
    robot_rules = {rule.name for rule in REMINDER_RULES if rule.robots}
    robot_occasions = [o for o in occasions if o.rule in robot_rules]
    if not robot_occasions:
        return []
    organisations = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in={o.organisation_id for o in robot_occasions})
    }
    hooks_by_org: dict[int, list[RobotWebhook]] = defaultdict(list)
    wanted_orgs = {
        org_id for org in organisations.values() for org_id in (org.pk, org.school_id) if org_id
    }
    for hook in RobotWebhook.objects.filter(organisation_id__in=wanted_orgs, enabled=True):
        hooks_by_org[hook.organisation_id].append(hook)
    deliveries = []
    for o in robot_occasions:
        org = organisations[o.organisation_id]
        hooks = hooks_by_org.get(org.pk, []) + (
            hooks_by_org.get(org.school_id, []) if org.school_id != org.pk else []
        )
        for hook in hooks:
            deliveries.append(
                Delivery(
                    channel=hook.channel, webhook=hook, organisation_id=o.organisation_id,
                    rule=o.rule, subject_key=o.subject_key, occasion=o.occasion,
                    title=o.title[:200], body=o.body, link=o.link,
                    not_before=_quiet_until(now, None),
                )
            )  # fmt: skip
    return deliveries


def stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS)


def due_deliveries(now: datetime.datetime):
    return Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING, not_before__lte=now)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_before(now))
    )


def dispatch_due(*, now: datetime.datetime | None = None, limit: int = 5000) -> int:
    """Queue a delivery task for every due delivery (after the current commit)."""
    now = now or timezone.now()
    ids = list(due_deliveries(now).order_by("not_before").values_list("pk", flat=True)[:limit])
    for delivery_id in ids:
        enqueue_after_commit("branchwork.deliver", delivery_id)
    return len(ids)


def enqueue_after_commit(
    task_name: str,
    *args: Any,
    countdown: float | None = None,
    on_failure: Callable[[], Any] | None = None,
) -> None:
    """Queue a task once the transaction commits; if the broker is down, log and go on —
    the outbox row stays pending and the next sweep picks it up — or call `on_failure`
    for work that no sweep would pick up."""

    def send() -> None:
        from branchwork.celery import app

        try:
            # One quick reconnect (a pooled connection may be stale after a Redis restart),
            # then give up: the outbox row stays and the next sweep queues it again.
            app.send_task(
                task_name, args=args, countdown=countdown, retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
            )  # fmt: skip
        except Exception as exc:  # broker unreachable: the outbox is the source of truth
            logger.warning("could not queue %s%s: %s", task_name, args, exc)
            if on_failure is not None:
                on_failure()

    transaction.on_commit(send)


def claim(delivery_id: int, *, now: datetime.datetime | None = None) -> Delivery | None:
    """Take a due delivery for sending; None if it is not due or another worker has it."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            due_deliveries(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook", "notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        delivery.status = Delivery.Status.SENDING
        delivery.attempts += 1
        delivery.claimed_at = now
        delivery.save(update_fields=["status", "attempts", "claimed_at"])
    return delivery


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_RETRY_BASE_SECONDS * 5 ** (attempts - 1))


def deliver(delivery_id: int) -> str:
    """Claim, send, record. Returns the resulting status (for logs and tests)."""
    from branchwork import channels

    delivery = claim(delivery_id)
    if delivery is None:
        return "not-claimed"
    now = timezone.now()
    try:
        channels.send(delivery)
    except Exception as exc:  # any failure of a channel is recorded and retried
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if delivery.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
        else:
            delivery.status = Delivery.Status.PENDING
            delivery.not_before = now + backoff(delivery.attempts)
        delivery.save(update_fields=["status", "last_error", "not_before"])
        if delivery.status == Delivery.Status.PENDING:
            retry_in = (delivery.not_before - now).total_seconds()
            enqueue_after_commit("branchwork.deliver", delivery.pk, countdown=retry_in)
        return delivery.status
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return Delivery.Status.SENT


def retry(delivery: Delivery) -> None:
    """An operator's retry of a failed delivery: pending again, attempts start over."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, not_before=timezone.now()
    )
    enqueue_after_commit("branchwork.deliver", delivery.pk)


def request_sweep() -> None:
    """Ask for a sweep soon (after something reminders depend on changed)."""
    enqueue_after_commit("branchwork.sweep")


DIGEST_RULE = "branchwork.digest"


def digest(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """One morning e-mail per person who asked for it, listing the last day's unread
    reminders. The digest is itself a notification with the usual unique key, so a second
    run the same day sends nothing."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    wanting = NotificationPreference.objects.filter(
        daily_digest=True, user__is_active=True
    ).exclude(user__email="")
    since = now - datetime.timedelta(days=1)
    unread: dict[int, list[Notification]] = defaultdict(list)
    for note in (
        Notification.objects.filter(
            recipient_id__in=wanting.values("user_id"), created_at__gte=since, read_at__isnull=True
        )
        .exclude(rule=DIGEST_RULE)
        .order_by("created_at")
    ):
        unread[note.recipient_id].append(note)
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        from django.utils.translation import gettext as _

        for user_id, notes in unread.items():
            digest_note, new = Notification.objects.get_or_create(
                rule=DIGEST_RULE, subject_key="digest", recipient_id=user_id, occasion=today,
                defaults={
                    "organisation_id": notes[0].organisation_id,
                    "title": _("Your reminders: %(count)s") % {"count": len(notes)},
                    "body": "\n".join(f"· {n.title}" for n in notes),
                    "link": "/inbox/",
                    "read_at": now,  # the digest itself does not add to the unread count
                },
            )  # fmt: skip
            if not new:
                continue
            Delivery.objects.get_or_create(
                notification=digest_note, channel=Channel.EMAIL,
                defaults={
                    "organisation_id": digest_note.organisation_id, "rule": DIGEST_RULE,
                    "subject_key": "digest", "occasion": today, "title": digest_note.title,
                    "body": digest_note.body, "link": digest_note.link, "not_before": now,
                },
            )  # fmt: skip
            created += 1
    dispatch_due(now=now)
    return created
