from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    """Pledge ledger and annual appraisal (built by the pledges issue)."""

    name = "pledges"
    verbose_name = _("Pledges and appraisal")
