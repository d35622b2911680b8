"""Every user-facing string has a zh-hans translation; nothing is loaded from a CDN."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys

from tests.conftest import ROOT

PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def msgids(po_text: str) -> set[str]:
    """The msgids (singular) of a .po file, continuation lines joined; an entry with a
    context is keyed "context\x04msgid", as in a compiled catalogue."""
    found: set[str] = set()
    field: str | None = None  # "msgctxt" or "msgid" while reading its lines
    parts: dict[str, list[str]] = {}

    def text(name: str) -> str:
        raw = "".join(parts.get(name, []))
        return raw.encode().decode("unicode_escape").encode("latin-1").decode()

    for line in [*po_text.splitlines(), ""]:
        keyword = line.split(" ", 1)[0]
        if keyword in ("msgctxt", "msgid"):
            if keyword == "msgctxt":
                parts = {}
            field = keyword
            parts[field] = [line[len(keyword) + 1 :].strip()[1:-1]]
        elif line.startswith('"') and field is not None:
            parts[field].append(line.strip()[1:-1])
        elif field is not None:
            if field == "msgid" and text("msgid"):
                context = text("msgctxt") if "msgctxt" in parts else None
                found.add(f"{context}\x04{text('msgid')}" if context else text("msgid"))
            field, parts = None, {}
    return found


def test_catalogue_is_complete_and_current(tmp_path):
    # Re-extract the strings from the code into a copy of the project…
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".tools", "var", ".git", "staticfiles"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete",
         "--ignore=.venv", "--ignore=.tools", "-v0"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "PYTHONPATH": str(copy)},
    )  # fmt: skip
    current = msgids((copy / PO.relative_to(ROOT)).read_text())
    # …and look each one up in the committed catalogue as msgfmt compiles it (fuzzy and
    # empty translations are left out by msgfmt, so they count as missing).
    mo = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(PO)], check=True)
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    translated = {key if isinstance(key, str) else key[0] for key, value in catalogue.items()
                  if value}  # fmt: skip
    missing = sorted(current - translated)
    assert missing == [], "run makemessages and translate these strings"


def test_form_labels_end_with_the_full_width_colon_in_chinese():
    from django import forms
    from django.utils import translation

    class Form(forms.Form):
        name = forms.CharField(label="姓名")

    with translation.override("zh-hans"):
        assert Form()["name"].label_tag().endswith("姓名：</label>")
    with translation.override("en"):
        assert Form()["name"].label_tag().endswith("姓名:</label>")


def test_no_cdn_in_templates_or_static():
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if (
                path.is_file()
                and path.suffix in {".html", ".css", ".js"}
                and re.search(r"(src|href)=[\"']?(https?:)?//", path.read_text(errors="ignore"))
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
