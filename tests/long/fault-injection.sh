#!/bin/bash
# SPDX-License-Identifier: MIT
# #23: faults during a suite, then --resume (long: nine suite invocations,
# five guest boots; not in the default run).  A small suite (4 host points
# on tmpfs, one vm:ext4-dax group of 4 runs with --timing icount) runs
#   a  uninterrupted;
#   b  with QEMU SIGKILLed after the group's first guest run ended;
#   c  with syncfault SIGKILLed on its way into the rename(2) of a result
#      (strace's syscall fault injection: the temp file is complete, the
#      result not yet in place), then SIGKILLed again at a random moment
#      of each resume until one finishes;
#   d  with the results directory on a small tmpfs that fills up during
#      the host runs (the rest freed after it, as its message says);
# and each interrupted directory is continued with `suite --resume DIR`
# (no other option: the first invocation's --timing must hold).
#
# Checks, after each fault and after each resume:
#  - every result file present before the resume is byte-identical after it;
#  - every *.json under the directory parses, none is empty, and after the
#    resume no temp file (*.tmp, *.tmp.PID) is left;
#  - the exit statuses README documents: 0 ok, 1 a run failed (QEMU
#    killed, results directory full), 137 for a SIGKILLed syncfault, 0 for
#    each resume;
#  - ENOSPC: one line on stderr, naming the full directory and the fix;
#  - the resumed directory's report equals the uninterrupted one's apart
#    from timing.  "Apart from timing" excludes exactly: the report's build
#    time, start time and wall-time line; every number in a host row (host
#    points measure real time); each result's UNSTABLE mark (it is about
#    the load the run saw); and the ASCII drawings of the figures (drawn
#    from those numbers).  Everything else must be equal: the results and
#    their ids, statuses, checks, parameters and targets, findings, the
#    table rows and the figure list, and the clock of every guest result
#    (icount on both sides).  The guest numbers are timing too: another
#    boot on the icount clock repeats most p50s to the nanosecond, not all
#    (a boot can split a row by about 1%, fault_batched_ns by up to 3.8%:
#    docs/patch-review.md), so the largest p50 difference is printed and
#    ICOUNT_TOL_PCT (unset: no limit) makes it a check.
#
# Prints per fault: exit status, results kept, rerun, the resume's time.
#   sf-heavy tests/long/fault-injection.sh [OUTDIR]
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
sf=${SYNCFAULT:-$here/build/syncfault}
out=${1:-$(mktemp -d /tmp/syncfault-fault-injection.XXXXXX)}
tol=${ICOUNT_TOL_PCT:-inf}
mkdir -p "$out/tmp"
# the guests' scratch directories (and so their 9p shares) in here: no
# other run's share is mistaken for ours
export TMPDIR=$out/tmp
[ "$(id -u)" = 0 ] || { echo "fault-injection: needs root (the ENOSPC case mounts a small tmpfs)" >&2; exit 2; }
command -v strace >/dev/null || { echo "fault-injection: needs strace (apt-get install strace)" >&2; exit 2; }
T=$(mktemp -d /dev/shm/sf-fault-injection.XXXXXX)
mnt=$out/full
cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	rm -rf "$T"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

cat >"$out/fi.ini" <<INI
[global]
repeats = 3
pages = 64

[host]
bench = fault
target = host:$T
class = hole, written
order = seq, random

[guest]
bench = fault
target = vm:ext4-dax
mode = none, mapsync
class = hole, written
INI
nruns=8

# suite NAME ARGS...: run it, its status in $rc, its time in $secs
suite() {
	local name=$1 t0
	shift
	t0=$(date +%s.%N)
	rc=0
	"$sf" suite "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
	secs=$(echo "$(date +%s.%N) - $t0" | bc)
}

# The result files and their hashes (env.json, which says what the suite
# did so far, is not a result).
snapshot() {
	(cd "$1" && find . -name '*.json' ! -name env.json -type f -print0 | sort -z |
		xargs -0 -r sha256sum) >"$2"
}

# no_torn DIR [resumed]: every JSON parses; a resumed directory has no temp file
no_torn() {
	python3 - "$1" "${2:-}" <<'PY' || fail "torn or partial files in $1"
import json, os, re, sys
bad = []
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        if re.search(r'\.tmp(\.\d+)?$', f):
            if sys.argv[2]:
                bad.append(p + ": temp file left after the resume")
            continue
        if f.endswith('.json'):
            try:
                json.load(open(p))
            except Exception as e:
                bad.append("%s: %s" % (p, e))
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# kept BEFORE DIR: every result of the snapshot is byte-identical in DIR
kept() {
	(cd "$2" && sha256sum --quiet -c "$1") >&2 || fail "a result finished before the fault changed in $2"
}

# The same report apart from timing (see the top); prints the largest
# relative difference of a guest number.
same_report() {
	python3 - "$1" "$2" "$tol" <<'PY'
import json, os, re, sys
a_dir, b_dir, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
# a number and its unit; a masked report is compared word for word
num = re.compile(r'[-+x]?\d+(\.\d+)?(e[-+]?\d+)?\s*(ns|us|ms|s|min|%|B|KiB|MiB)?\b')

def report(d):
    """report.txt without timing: its words, numbers masked; the guest rows as printed"""
    keep, rows, lines = [], [], open(os.path.join(d, "report.txt")).read().split("\n")
    for i, l in enumerate(lines):
        if l.startswith(("syncfault report:", "built ", "started ")):
            continue
        # the repeats' agreement and UNSTABLE marks say what load the runs saw
        if re.search(r'unstable|repeats agree|: cv \d', l, re.I):
            continue
        if l.startswith("Figures ("):
            # the figure list, not the drawings
            for f in lines[i:]:
                if not f.strip():
                    break
                keep.append(f)
            break
        if "emulated" in l and re.search(r'\d (us|ns|ms)', l):
            rows.append(" ".join(l.split()))
        keep.append(l)
    return num.sub("#", " ".join(keep)).split(), rows

def results(d):
    return {f: json.load(open(os.path.join(d, f))) for f in sorted(os.listdir(d))
            if f.endswith(".json") and f != "env.json"}

def numbers(res):
    return {m["name"] + ".p50": m["p50"] for m in res["metrics"] if "p50" in m}

ok, worst = True, 0.0
(wa, rows_a), (wb, rows_b) = report(a_dir), report(b_dir)
if wa != wb:
    ok = False
    import difflib
    sys.stderr.write("report.txt differs beyond timing:\n" + "\n".join(
        difflib.unified_diff(wa, wb, a_dir, b_dir, lineterm="", n=8)) + "\n")
A, B = results(a_dir), results(b_dir)
if sorted(A) != sorted(B):
    ok = False
    print("result files differ: %s vs %s" % (sorted(A), sorted(B)), file=sys.stderr)
for f in sorted(set(A) & set(B)):
    x, y = A[f], B[f]
    for k in ("bench", "params", "status", "reason"):
        if x[k] != y[k]:
            ok = False
            print("%s: %s %r vs %r" % (f, k, x[k], y[k]), file=sys.stderr)
    if [(c["name"], c.get("ok")) for c in x["checks"]] != [(c["name"], c.get("ok")) for c in y["checks"]]:
        ok = False
        print("%s: checks differ" % f, file=sys.stderr)
    if x["target"] != y["target"]:
        ok = False
        print("%s: target %r vs %r" % (f, x["target"], y["target"]), file=sys.stderr)
    if not x["target"].get("emulated"):
        continue
    ta, tb = x["target"].get("timing"), y["target"].get("timing")
    if ta != "icount" or tb != "icount":
        ok = False
        print("%s: not both on the icount clock: %s vs %s" % (f, ta, tb), file=sys.stderr)
    na, nb = numbers(x), numbers(y)
    for k in na:
        d = abs(nb.get(k, float("nan")) / na[k] - 1) * 100 if na[k] else abs(nb.get(k, 0)) * 100
        if not d <= tol:
            ok = False
            print("%s: %s %g vs %g (%.2f%%)" % (f, k, na[k], nb.get(k, float("nan")), d), file=sys.stderr)
        worst = max(worst, d) if d == d else worst
same = sum(r in rows_b for r in rows_a)
print("%.2f%%, %d of %d guest rows printed the same" % (worst, same, len(rows_a)))
sys.exit(0 if ok else 1)
PY
}

# resume NAME DIR BEFORE: --resume DIR, then the checks; prints the line
resume_check() {
	local name=$1 dir=$2 before=$3 fault_rc=$4 want_fault_rc=$5 nkept rerun worst
	nkept=$(wc -l <"$before")
	suite "$name-resume" --resume "$dir"
	[ "$rc" = 0 ] || fail "$name: --resume exited $rc: $(cat "$out/$name-resume.err")"
	[ "$fault_rc" = "$want_fault_rc" ] || fail "$name: the fault run exited $fault_rc, expected $want_fault_rc"
	kept "$before" "$dir"
	no_torn "$dir" resumed
	rerun=$(grep -c '^\[[0-9]*/[0-9]*\] ' "$out/$name-resume.out")
	[ $((nkept + rerun)) = "$nruns" ] || fail "$name: $nkept kept + $rerun rerun != $nruns runs"
	worst=$(same_report "$out/a" "$dir") || fail "$name: the resumed report differs from the uninterrupted one"
	printf '%s: fault run exit %s; kept %d results, rerun %d; resume exit %s in %.0f s; guest p50s against a (limit %s%%): largest difference %s\n' \
		"$name" "$fault_rc" "$nkept" "$rerun" "$rc" "$secs" "$tol" "$worst" | tee -a "$out/summary.txt"
}

: >"$out/summary.txt"
echo "== a: uninterrupted"
suite a "$out/fi.ini" -o "$out/a" --timing icount
[ "$rc" = 0 ] || fail "a: exited $rc: $(cat "$out/a.err")"
no_torn "$out/a" resumed
printf 'a: exit %s, %d results in %.0f s\n' "$rc" "$(ls "$out"/a/*.json | grep -vc env.json)" "$secs" |
	tee -a "$out/summary.txt"

echo "== b: SIGKILL of QEMU after the first guest run"
t0=$(date +%s.%N)
"$sf" suite "$out/fi.ini" -o "$out/b" --timing icount >"$out/b.out" 2>"$out/b.err" &
pid=$!
qemu=''
for _ in $(seq 3000); do
	# the guest's first job ended: its .rc is on the 9p share
	if compgen -G "${TMPDIR:-/tmp}/syncfault-guest.*/share/out/*.rc" >/dev/null; then
		for p in $(pgrep -P "$pid"; pgrep -P "$(pgrep -d, -P "$pid")" 2>/dev/null); do
			case $(cat "/proc/$p/comm" 2>/dev/null) in qemu-system*) qemu=$p ;; esac
		done
		[ -n "$qemu" ] && break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$qemu" ] && kill -KILL "$qemu" || fail "b: no QEMU to kill after the first guest run"
brc=0
wait "$pid" || brc=$?
printf 'b: killed QEMU (pid %s) %.0f s in\n' "$qemu" "$(echo "$(date +%s.%N) - $t0" | bc)"
no_torn "$out/b"
snapshot "$out/b" "$out/b.before"
resume_check b "$out/b" "$out/b.before" "$brc" 1

echo "== c: SIGKILL of syncfault at the rename of its second result"
# renames: env.json, then each host result as it ends
rc=0
strace -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=3 \
	"$sf" suite "$out/fi.ini" -o "$out/c" --timing icount >"$out/c.out" 2>"$out/c.err" || rc=$?
crc=$rc
left=$(find "$out/c" -name '*.tmp.*' | wc -l)
[ "$left" -ge 1 ] || fail "c: the kill did not land between a result's write and its rename"
no_torn "$out/c"
snapshot "$out/c" "$out/c.before"
echo "c: killed at rename 3: exit $crc, $(wc -l <"$out/c.before") results in place, $left temp file(s): $(cd "$out/c" && find . -name '*.tmp.*')" |
	tee -a "$out/summary.txt"
# random moments: kill each resume 1-20 s in, at most 4 times, checking as we go
for k in 1 2 3 4; do
	snapshot "$out/c" "$out/c.k$k"
	"$sf" suite --resume "$out/c" >"$out/c-k$k.out" 2>&1 &
	pid=$!
	delay=$(python3 -c 'import random; print(round(random.uniform(1, 20), 1))')
	for _ in $(seq "$(printf '%.0f' "$(echo "$delay * 10" | bc)")"); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null && r=killed || r=finished
	krc=0
	wait "$pid" || krc=$?
	kept "$out/c.k$k" "$out/c"
	no_torn "$out/c"
	echo "c: resume $k, SIGKILL at ${delay} s: $r (exit $krc), $(snapshot "$out/c" /dev/stdout | wc -l) results" |
		tee -a "$out/summary.txt"
	[ "$r" = finished ] && break
done
snapshot "$out/c" "$out/c.before2"
resume_check c "$out/c" "$out/c.before2" "$crc" 137

echo "== d: ENOSPC in the results directory"
mkdir -p "$mnt"
mount -t tmpfs -o size=8m sf-fi-full "$mnt" || { fail "d: cannot mount a tmpfs"; exit 1; }
# leave room for env.json, suite.ini and about two results
fill=$(( $(df -B1 --output=avail "$mnt" | tail -1) - 24 * 1024 ))
head -c "$fill" /dev/zero >"$mnt/filler" 2>/dev/null
suite d "$out/fi.ini" -o "$mnt/d" --timing icount
drc=$rc
no_torn "$mnt/d"
[ "$(wc -l <"$out/d.err")" = 1 ] || fail "d: not one line on stderr: $(cat "$out/d.err")"
grep -q "No space left on device" "$out/d.err" && grep -q -- "--resume $mnt/d" "$out/d.err" ||
	fail "d: the message does not name the problem and the fix: $(cat "$out/d.err")"
echo "d: $(cat "$out/d.err")" | tee -a "$out/summary.txt"
snapshot "$mnt/d" "$out/d.before"
rm -f "$mnt/filler"
resume_check d "$mnt/d" "$out/d.before" "$drc" 1
cp -a "$mnt/d" "$out/d"

[ "$failed" = 0 ] && echo "fault injection: ok ($out)" || echo "fault injection: FAIL ($out)"
exit "$failed"
