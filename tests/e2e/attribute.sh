#!/bin/bash
# run --attribute on a host directory: where tracefs is missing (hidden
# with SYNCFAULT_TRACEFS) the attribution is "unsupported" with the reason
# and the timed result is complete and unchanged in form; bad attribution
# options and suite keys are refused before anything runs.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-attr.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

SYNCFAULT_TRACEFS=$WORK/no-tracefs expect_status 0 "$SF" run fault --target "$T" --pages 64 --repeats 2 \
	--attribute --json "$WORK/f.json"
json_assert "$WORK/f.json" \
	'r["status"] == "ok" and metric(r, "fault_latency")["n"] == 128' \
	'len(metric(r, "fault_latency")["repeats"]) == 2' \
	'r["attribution"]["status"] == "unsupported"' \
	'"tracefs is not mounted" in r["attribution"]["reason"]' \
	'"events" not in r["attribution"]'
grep -q "attribution: unsupported: tracefs is not mounted" "$WORK/out" ||
	fail "summary does not say why attribution is unsupported: $(cat "$WORK/out")"

# without --attribute: no attribution key at all
expect_status 0 "$SF" run fault --target "$T" --pages 16 --repeats 1 --json "$WORK/n.json"
json_assert "$WORK/n.json" '"attribution" not in r'

# bad options: exit 2, one line, no result file
expect_status 2 "$SF" run fault --target "$T" --attribute=maybe --json "$WORK/bad.json"
grep -q -- "--attribute=maybe" "$WORK/err" || fail "bad --attribute: $(cat "$WORK/err")"
expect_status 2 "$SF" run fault --target "$T" --attribute-fn bogus=f --json "$WORK/bad.json"
grep -q "unknown phase 'bogus'" "$WORK/err" || fail "bad --attribute-fn: $(cat "$WORK/err")"
expect_status 2 "$SF" run fault --target "$T" --attribute-fn journal --json "$WORK/bad.json"
grep -q "PHASE=FUNCTION" "$WORK/err" || fail "bad --attribute-fn: $(cat "$WORK/err")"
[ ! -e "$WORK/bad.json" ] || fail "a refused run wrote a result"

# suite: attribute = yes reaches the run, a bad value is refused with file:line
printf '[f]\nbench = fault\ntarget = host:%s\npages = 16\nrepeats = 1\nattribute = yes\n' "$T" >"$WORK/s.ini"
SYNCFAULT_TRACEFS=$WORK/no-tracefs expect_status 0 "$SF" suite "$WORK/s.ini" -o "$WORK/r"
json_assert "$WORK/r/f.json" 'r["attribution"]["status"] == "unsupported"'
printf '[f]\nbench = fault\ntarget = host:%s\nattribute = maybe\n' "$T" >"$WORK/b.ini"
expect_status 2 "$SF" suite "$WORK/b.ini" -o "$WORK/never"
grep -q "b.ini:4: .*attribute = 'maybe'" "$WORK/err" || fail "bad attribute key: $(cat "$WORK/err")"

# the whole pass against a stand-in tracefs (plain files: nothing is
# traced, so no event): the settings go in and are reset, the benchmark
# marks its measured part, the timed result is untouched
F=$WORK/fake-tracefs
mkdir -p "$F/options"
echo "function_graph function nop" >"$F/available_tracers"
echo nop >"$F/current_tracer"
echo 1408 >"$F/buffer_size_kb"
for f in trace trace_marker set_ftrace_filter set_ftrace_pid tracing_on max_graph_depth \
	options/funcgraph-proc options/funcgraph-tail options/funcgraph-abstime \
	options/function-fork options/sleep-time options/funcgraph-irqs; do
	: >"$F/$f"
done
SYNCFAULT_TRACEFS=$F expect_status 0 "$SF" run fault --target "$T" --pages 64 --repeats 1 --attribute \
	--json "$WORK/fake.json"
json_assert "$WORK/fake.json" \
	'r["status"] == "ok" and metric(r, "fault_latency")["n"] == 64' \
	'r["attribution"]["status"] == "error"' \
	'r["attribution"]["reason"] == "the traced repeat recorded no event"' \
	'"handle_mm_fault" in r["attribution"]["functions"]["fault"]' \
	'r["attribution"]["traced_vs_untraced"]["metric"] == "fault_latency"'
[ "$(cat "$F/current_tracer")" = nop ] || fail "tracer not reset: $(cat "$F/current_tracer")"
[ ! -s "$F/set_ftrace_filter" ] && [ ! -s "$F/set_ftrace_pid" ] || fail "filters not reset"
grep -q "sf: begin" "$F/trace_marker" && grep -q "sf: end" "$F/trace_marker" ||
	fail "the traced repeat did not mark its measured part: $(cat "$F/trace_marker")"
