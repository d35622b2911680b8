"""Every user-facing string has a zh-hans translation; nothing is loaded from a CDN."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from tests.conftest import ROOT

PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file (enough for Django's output)."""
    result = []
    for block in po_text.split("\n\n"):
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M)
        )
        msgstr = (
            "".join(
                re.findall(r'^(?:msgstr(?:\[\d\])?)? ?"(.*)"$', block.split("msgstr", 1)[-1], re.M)
            )
            if "msgstr" in block
            else ""
        )
        if msgid:
            result.append((msgid, msgstr, fuzzy))
    return result


def test_catalogue_is_complete_and_current(tmp_path):
    # Re-extract the strings from the code into a copy and compare with the committed file.
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".tools", "var", ".git", "staticfiles", "node_modules"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=.tools",
            "-v0",
        ],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "PYTHONPATH": str(copy)},
    )
    current = {msgid for msgid, _s, _f in entries((copy / PO.relative_to(ROOT)).read_text())}
    committed = entries(PO.read_text())
    committed_ids = {msgid for msgid, _s, _f in committed}
    assert current - committed_ids == set(), "run makemessages and translate the new strings"
    untranslated = [msgid for msgid, msgstr, fuzzy in committed if not msgstr or fuzzy]
    assert untranslated == []


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
