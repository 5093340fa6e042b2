#!/bin/bash
# Long test, outside the default run (it installs and starts Chromium):
# render report.html of the stored report fixtures in headless Chromium,
# with every network path it has turned off, and keep the screenshot for a
# human to look at.  Fails when Chromium cannot render the page or the
# screenshot is blank-sized.
#   tests/long/html-render.sh [build/syncfault] [SHOT.png]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
SF=${1:-$here/build/syncfault}
SHOT=${2:-$PWD/report-html.png}
if ! command -v chromium >/dev/null; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
WORK=$(mktemp -d /tmp/sf-html.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp -r "$here/tests/e2e/fixtures/report" "$WORK/r"
"$SF" report "$WORK/r" >/dev/null
timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$WORK/profile" \
	--window-size=1280,2400 --screenshot="$SHOT" "file://$WORK/r/report.html" >"$WORK/log" 2>&1 ||
	{ cat "$WORK/log" >&2; echo "FAIL: chromium did not render report.html" >&2; exit 1; }
size=$(stat -c %s "$SHOT")
[ "$size" -gt 50000 ] || { echo "FAIL: screenshot is only $size bytes" >&2; exit 1; }
echo "ok: $SHOT ($size bytes): look at it"
