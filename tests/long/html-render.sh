#!/bin/bash
# Long test, outside the default run (it installs Chromium's headless shell,
# the Debian package chromium-headless-shell, and starts it): render
# report.html of the stored report fixtures and compare.html of sides made
# from the stored compare fixtures (a 50% regression in 3 rounds) at 1280 and
# 800 px, with every network path turned off, and check in the rendered
# page that
#   - nothing scrolls sideways outside a figure (the page is not wider than
#     the window; a <pre> or a figure may scroll within itself),
#   - every figure (an <svg>) has a non-empty box and content,
#   - report.html's first screen holds the findings, compare.html's the
#     marked rows;
# and keep a screenshot of the first screen of each for a human to look at.
#   tests/long/html-render.sh [build/syncfault] [SHOTDIR] [PAGE.html...]
# With pages (a run's report.html, an A/B's compare.html), those are checked
# instead of the fixtures' (each is self-contained: it is copied first).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
SF=${1:-$here/build/syncfault}
SHOTS=${2:-$PWD/html-shots}
shift $(($# < 2 ? $# : 2))
CHROME=chromium-headless-shell
if ! command -v $CHROME >/dev/null; then
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		chromium-headless-shell >/dev/null
fi
WORK=$(mktemp -d /tmp/sf-html.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$SHOTS"
fail() { echo "FAIL: $*" >&2; exit 1; }
# a check of a rendered page: noted, and the screenshots are still taken
failed=0
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

pages=()
for p in "$@"; do
	[ -f "$p" ] || fail "$p: no such page"
	mkdir -p "$WORK/page-${#pages[@]}"
	cp "$p" "$WORK/page-${#pages[@]}/"
	pages+=("$WORK/page-${#pages[@]}/$(basename "$p")")
done
if [ ${#pages[@]} = 0 ]; then	# the fixtures' pages
	cp -r "$here/tests/e2e/fixtures/report" "$WORK/r"
	"$SF" report "$WORK/r" >/dev/null
	# three rounds a side: hole faults 50% slower in new, written ones within 1%
	F=$here/tests/e2e/fixtures/compare
	. "$here/tests/lib/rounds.sh"
	for cls in hole written; do
		rounds "$WORK/base" $cls 1.00 1.02 0.98
	done
	rounds "$WORK/slow" hole 1.50 1.53 1.48
	rounds "$WORK/slow" written 0.99 1.01 1.00
	rc=0
	"$SF" compare "$WORK/base" "$WORK/slow" --html "$WORK/compare.html" >/dev/null || rc=$?
	[ "$rc" = 5 ] || fail "compare of the regression fixture exited $rc, not 5"
	pages=("$WORK/r/report.html" "$WORK/compare.html")
fi

chrome() {
	timeout 120 $CHROME --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run \
		--user-data-dir="$WORK/profile" --hide-scrollbars "$@" 2>>"$WORK/log"
}

# What the page measures of itself, into the title of a copy: the page's
# width against the window's, the figures with an empty box or no content,
# and what the first screen (the window's height) shows.
probe='<script>
addEventListener("load", function () {
	var d = document.documentElement, empty = 0, n = 0;
	document.querySelectorAll("svg").forEach(function (s) {
		var b = s.getBoundingClientRect();
		n++;
		if (b.width < 20 || b.height < 8 || !s.childElementCount) empty++;
	});
	var first = [];
	document.querySelectorAll("h2,h3").forEach(function (h) {
		if (h.getBoundingClientRect().top < innerHeight) first.push(h.textContent);
	});
	document.title = "SW=" + d.scrollWidth + " CW=" + d.clientWidth + " SVG=" + n +
		" EMPTY=" + empty + " FIRST=" + first.join("|");
});
</script>'

for k in "${!pages[@]}"; do
	page=${pages[$k]}
	name=$(basename "$page" .html)
	shot=$name$([ ${#pages[@]} -le 2 ] || echo "-$k")
	probed=${page%.html}-probe.html
	sed "s#</body>#${probe//$'\n'/ }</body>#" "$page" >"$probed"
	for w in 1280 800; do
		title=$(chrome --window-size=$w,900 --dump-dom "file://$probed" |
			sed -n 's#.*<title>\(SW=[^<]*\)</title>.*#\1#p')
		[ -n "$title" ] || { cat "$WORK/log" >&2; fail "$name at $w px: the page did not load"; }
		echo "$name at $w px: $title"
		sw=$(sed 's/.*SW=\([0-9]*\).*/\1/' <<<"$title")
		cw=$(sed 's/.*CW=\([0-9]*\).*/\1/' <<<"$title")
		[ "$sw" -le "$cw" ] || bad "$name at $w px scrolls sideways: $sw px wide in $cw"
		grep -q ' EMPTY=0 ' <<<"$title" || bad "$name at $w px: an empty figure: $title"
		grep -q ' SVG=0 ' <<<"$title" && bad "$name at $w px: no figure at all"
		case $name in
		report) grep -q 'FIRST=Findings|1\. Page-fault cost' <<<"$title" ||
				bad "report.html's first screen at $w px has no findings: $title" ;;
		compare) grep -q 'FIRST=Marked rows' <<<"$title" ||
				bad "compare.html's first screen at $w px has no marked rows: $title" ;;
		esac
		chrome --window-size=$w,900 --screenshot="$SHOTS/$shot-$w.png" "file://$page" >/dev/null
		size=$(stat -c %s "$SHOTS/$shot-$w.png")
		[ "$size" -gt 20000 ] || fail "$SHOTS/$shot-$w.png is only $size bytes"
	done
done
[ "$failed" = 0 ] || fail "$failed checks failed; screenshots in $SHOTS"
echo "ok: screenshots in $SHOTS: look at them"
