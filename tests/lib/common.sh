# Shared by the end-to-end tests: sourced, not run.
# $1 of every test is the syncfault binary.
set -euo pipefail

SF=${1:?usage: $0 path/to/syncfault}
SRC=${SYNCFAULT_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
WORK=$(mktemp -d /tmp/sf-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_status WANT CMD...: run CMD, fail unless it exits with WANT
expect_status() {
	local want=$1 rc=0
	shift
	"$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	if [ "$rc" != "$want" ]; then
		cat "$WORK/out" "$WORK/err" >&2
		fail "'$*' exited $rc, expected $want"
	fi
}

# json_assert FILE PYTHON-EXPR...: each expression must hold; r is the
# result (or the list of results), first(r) its first result
json_assert() {
	local file=$1
	shift
	python3 - "$file" "$@" <<'PY'
import json, math, sys
path = sys.argv[1]
r = json.load(open(path))
def first(x):
    return x[0] if isinstance(x, list) else x
def metric(res, name):
    for m in res["metrics"]:
        if m["name"] == name:
            return m
    raise AssertionError("no metric %s in %s" % (name, [m["name"] for m in res["metrics"]]))
def check(res, name):
    for c in res["checks"]:
        if c["name"] == name:
            return c
    raise AssertionError("no check %s" % name)
for expr in sys.argv[2:]:
    try:
        ok = eval(expr)
    except Exception as e:
        print("FAIL: %s: %s: %r" % (path, expr, e), file=sys.stderr)
        sys.exit(1)
    if not ok:
        print("FAIL: %s: %s" % (path, expr), file=sys.stderr)
        sys.exit(1)
PY
}

# expect_refused WORD DIR CMD...: CMD is bad input: exit 2, one line on
# stderr that mentions WORD, and DIR (its output) was not created
expect_refused() {
	local word=$1 dir=$2
	shift 2
	expect_status 2 "$@"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "'$*': error is not one line: $(cat "$WORK/err")"
	grep -q -- "$word" "$WORK/err" || fail "'$*': error does not mention '$word': $(cat "$WORK/err")"
	[ ! -e "$dir" ] || fail "'$*': created $dir"
}

# small_fault_suite FILE DIR: the 4-run host suite several tests share
# (fault, hole and written x seq and random, 64 pages, 2 repeats, on DIR)
small_fault_suite() {
	cat >"$1" <<INI
[global]
repeats = 2
target = host:$2

[f]
bench = fault
class = hole, written
order = seq, random
pages = 64
INI
}
