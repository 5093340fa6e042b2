# Stall injection for the tests: stop a running syncfault's processes and
# continue them, as a stalled host or a busy neighbour would.  Sourced
# after common.sh (uses $WORK).

# descendants PID DEPTH: the syncfault processes DEPTH levels under PID (1:
# its children: a run's repeat process; 2: their children: a repeat's
# workers; not the tools a repeat runs, as zcat)
descendants() {
	local level=($1) next
	for ((d = 0; d < $2; d++)); do
		next=()
		for p in "${level[@]}"; do
			# shellcheck disable=SC2207 # pids, one a line
			next+=($(pgrep -x -P "$p" syncfault || true))
		done
		level=("${next[@]}")
	done
	echo "${level[@]}"
}

# stall_run SECONDS DEPTH CMD...: run CMD (stdout in $WORK/out, stderr in
# $WORK/err) in a session of its own; once a process DEPTH levels under it
# lives, wait DELAY (default 0.1 s) and stop the whole session (DEPTH 1: a
# repeat and syncfault itself, as a host stall does) or only the
# processes at DEPTH (2: a repeat's workers), for SECONDS, then continue.
# Until a stop lands on a live process at DEPTH, the next one is tried.
# Returns CMD's exit status; $WORK/stall_hit holds 1 when a stop landed.
stall_run() {
	local secs=$1 depth=$2 lead targets hit=0 rc=0
	shift 2
	setsid "$@" >"$WORK/out" 2>"$WORK/err" &
	lead=$!
	while [ $hit = 0 ] && kill -0 "$lead" 2>/dev/null; do
		targets=$(descendants "$lead" "$depth")
		if [ -z "$targets" ]; then
			sleep 0.01
			continue
		fi
		sleep "${DELAY:-0.1}"
		if [ "$depth" = 1 ]; then
			kill -STOP -- "-$lead" 2>/dev/null || true
		else
			# shellcheck disable=SC2086 # a list of pids
			kill -STOP $targets 2>/dev/null || true
		fi
		sleep 0.05	# a stop takes effect when the task next runs
		for p in $targets; do
			grep -q '^State:.*T' "/proc/$p/status" 2>/dev/null && hit=1
		done
		sleep "$secs"
		if [ "$depth" = 1 ]; then
			kill -CONT -- "-$lead" 2>/dev/null || true
		else
			# shellcheck disable=SC2086
			kill -CONT $targets 2>/dev/null || true
		fi
	done
	wait "$lead" || rc=$?
	echo $hit >"$WORK/stall_hit"
	return $rc
}

# expect_stalled_ok WANT-STATUS JSON CMD...: stall CMD's repeat once for
# SECS seconds (default 1); it must end with WANT-STATUS, its results ok
# (unstable allowed, never error), no "nan" printed, and the stop seen by
# the harness.
expect_stalled_ok() {
	local want=$1 json=$2 rc=0 depth=${DEPTH:-1}
	shift 2
	stall_run "${SECS:-1}" "$depth" "$@" || rc=$?
	if [ "$rc" != "$want" ] || [ "$(cat "$WORK/stall_hit")" != 1 ]; then
		cat "$WORK/out" "$WORK/err" >&2
		fail "'$*' stalled: exited $rc (expected $want), stop landed: $(cat "$WORK/stall_hit")"
	fi
	if grep -qiw nan "$WORK/out" "$WORK/err"; then
		fail "'$*' stalled printed nan: $(grep -iw nan "$WORK/out" "$WORK/err")"
	fi
	json_assert "$json" \
		'all(x["status"] in ("ok", "unsupported") for x in (r if isinstance(r, list) else [r]))' \
		'any(rep.get("disturbed") and ("stopped" in rep.get("why", "") or "stood still" in rep.get("why", "")) for x in (r if isinstance(r, list) else [r]) for rep in x["info"]["disturbance"]["repeats"])' ||
		fail "'$*' stalled: $(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print([x["info"]["disturbance"] for x in (r if isinstance(r, list) else [r])])' "$json")"
}
