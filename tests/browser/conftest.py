"""Browser journeys: skipped, with the reason, only where Debian's Chromium is missing."""

from __future__ import annotations

import pytest

from tests.browser.support import CHROMIUM


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` "
        "(scripts/test.sh installs it when run as root; CI does)"
    )
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(skip)


@pytest.fixture
def live_static(settings):
    """The live server serves /static/ from the source folders (finders), which do not know
    the manifest's hashed names: plain storage here, so pages get their CSS and JS."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
