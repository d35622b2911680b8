from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    """Party members' mentoring of struggling students (built by the assistance issue)."""

    name = "assistance"
    verbose_name = _("Student assistance")
