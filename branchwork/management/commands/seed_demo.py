"""`manage.py seed_demo`: the demo school, its people and (as apps grow) their work."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from branchwork.demo import DEMO_LOGINS, DEMO_PASSWORD
from branchwork.registry import DEMO_SEEDERS


class Command(BaseCommand):
    help = "Create the demo data (idempotent: a second run creates nothing)."

    def handle(self, *args, **options) -> None:
        ctx = SimpleNamespace(created=0, today=timezone.localdate())
        with transaction.atomic():
            for seeder in DEMO_SEEDERS:
                seeder.seed(ctx)
        self.stdout.write(f"seed_demo: {ctx.created} objects created")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, display_name, _role, _org, purpose in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {display_name}  {purpose}")
        self.stdout.write("  sysadmin         Django admin (/admin/) for back-office data")
