"""Rich text of meeting records (topics, minutes, resolutions): sanitised HTML.

Secretaries paste from Word or type plain text. Plain text becomes paragraphs; HTML is
cut down by nh3 to a small list of harmless tags, so no <script>, no on* attribute and no
javascript: URL can be stored. Rendering sanitises again (`richtext` filter), so a row
written around the service is still safe to show.
"""

from __future__ import annotations

import re

import nh3
from django.utils.html import escape

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}}
TAG = re.compile(r"<[a-zA-Z/!]")


def clean_html(value: str) -> str:
    """Safe HTML for storing: plain text is turned into paragraphs first."""
    value = (value or "").strip()
    if not value:
        return ""
    if not TAG.search(value):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
        value = "".join(
            "<p>" + "<br>".join(escape(line) for line in p.splitlines()) + "</p>"
            for p in paragraphs
        )
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def plain_text(value: str) -> str:
    """The text without tags (for the ledger export and the calendar feed)."""
    text = nh3.clean(re.sub(r"</p>|<br>", "\n", value or ""), tags=set())
    return re.sub(r"\n{2,}", "\n", text).strip()
