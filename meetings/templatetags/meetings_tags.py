from django import template
from django.utils.safestring import SafeString, mark_safe

from meetings.richtext import clean_html

register = template.Library()


@register.filter
def richtext(value: str) -> SafeString:
    """Render stored rich text, sanitising it again on the way out."""
    return mark_safe(clean_html(value))


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
