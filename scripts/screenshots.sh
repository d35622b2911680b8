#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png): runs the browser journeys
# (tests/browser) through the test command's throwaway services with
# BRANCHWORK_SCREENSHOTS=1, which makes each journey save its key screens. A normal test
# run saves nothing, so it never changes the tree. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export BRANCHWORK_SCREENSHOTS=1
# Chromium's own widgets (the file picker's button) in Chinese on the zh-hans screens.
export BRANCHWORK_EXTRA_APT="${BRANCHWORK_EXTRA_APT:-} chromium-l10n"
exec ./scripts/test.sh tests/browser "$@"
