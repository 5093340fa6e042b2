#!/bin/bash
# SPDX-License-Identifier: MIT
# Records the traces tests/test_attrib_fixtures.c folds: `run ...
# --attribute=trace` in the guest on each kernel and filesystem, with the
# phase map of the syncfault that runs it, each trace cut after its first
# event roots (4: two faults tried under the per-VMA lock and retried, or
# four taken once).  The guests run on the instruction-count clock
# (--timing icount: a traced duration is guest instructions, 1 ns each, the
# same on every boot), so it runs beside light jobs:
#
#   /work/bin/sf-icount tests/attrib/record.sh [BUILD/syncfault]
#
# Nine guest boots.  Writes tests/attrib/FS-KVER-MODE-CLASS.trace (faults),
# FS-KVER-msync.trace and ext4-6.12-contention-mapsync.trace, and prints
# the fault runs' coverage per point (the README's coverage table: 128
# faults a point); the results (JSON, the whole traces) stay in OUT.
# REUSE=1 cuts again from OUT's results without booting.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sf=${1:-$here/../../build/syncfault}
out=${OUT:-$(mktemp -d /tmp/sf-attrib-record.XXXXXX)}
keep=${KEEP_ROOTS:-4}
timing=(--timing icount)

# cut TRACE ROOTS [UNTIL[:COUNT]]: the lines from the first "sf: begin" (and the
# role markers before it) through the close of the ROOTS-th event root at
# the top of a task's stack (and of COUNT roots named UNTIL, if given as
# UNTIL[:COUNT]), then
# an "sf: end" line; the header as recorded.  With FROM=REGEX, the kept
# events start at the fault whose lines first match REGEX after "sf: begin"
# (at its lock_vma_under_rcu, or lock_mm_and_find_vma on a kernel without
# per-VMA locks), the "sf: begin" line just before it.
cut_trace() {
	python3 - "$@" <<'PY'
import os, re, sys
text, keep = sys.argv[1], int(sys.argv[2])
until, count = (sys.argv[3].split(':') + ['1'])[:2] if len(sys.argv) > 3 else (None, '0')
count = int(count)
lines = open(text).read().split('\n')
begin = next(i for i, l in enumerate(lines) if 'sf: begin' in l)
head = [l for l in lines[:begin] if l.startswith('#') or 'sf: role' in l]
pat = os.environ.get('FROM')
if pat:
    hit = next(i for i in range(begin, len(lines)) if re.search(pat, lines[i]))
    lock = 'lock_vma_under_rcu' if any('lock_vma_under_rcu' in l for l in lines) else 'lock_mm_and_find_vma'
    start = max(i for i in range(begin, hit) if re.search(r'\|\s{2}%s\(' % lock, lines[i]))
    lines = lines[:begin + 1] + lines[start:]
roots = ('handle_mm_fault', '__x64_sys_msync', '__x64_sys_fsync', '__x64_sys_fdatasync',
         '__x64_sys_mprotect')
out, n = head, 0
for l in lines[begin:]:
    out.append(l)
    m = re.search(r'\|\s{2}(\S.*)$', l)
    if m and any(m.group(1) in ('} /* %s */' % r, '%s();' % r) for r in roots):
        n += 1
        if until and until in m.group(1):
            count -= 1
        if n >= keep and count <= 0:
            break
end = lines[begin].replace('sf: begin', 'sf: end')
out.append(end)
print('\n'.join(out))
PY
}

# extract JSON INDEX NAME [ROOTS [UNTIL[:COUNT]]]: the trace of result INDEX of JSON, cut, into NAME
extract() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
r = r if isinstance(r, list) else [r]
a = r[int(sys.argv[2])]["attribution"]
assert a["status"] == "ok", a
open(sys.argv[3], "w").write(a["trace"])' "$1" "$2" "$out/raw.trace"
	cut_trace "$out/raw.trace" "${4:-$keep}" ${5:+"$5"} >"$here/$3"
	echo "recorded $3 ($(wc -l <"$here/$3") lines)"
}

# coverage FAULT-JSON: per point, the traced events' coverage, median
# traced event, the untraced median and the slowdown, as the README's table
coverage() {
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])):
	a, p = r["attribution"], r["params"]
	f = a["events"]["fault"]
	t = a["traced_vs_untraced"]
	print("%-8s %-10s coverage %.3f  event median %.1f us; %s p50 traced %.1f us, untraced %.1f us, %.2fx; %d events, %d retried" % (
		p["mode"], p["class"], f["coverage"], f["total_p50_us"], t["metric"], t["traced_p50"] / 1e3,
		t["untraced_p50"] / 1e3, t["slowdown"], f["events"], a["vma_lock_retries"]))' "$1"
}

for k in 6.12 6.1; do
	for fs in ext4 xfs; do
		j=$out/fault-$k-$fs.json
		[ -n "${REUSE:-}" ] || "$sf" run fault --target "vm:$fs-dax" --kernel "debian:$k" "${timing[@]}" \
			--mode none,mapsync --class hole,unwritten,written --pages 128 --repeats 1 \
			--attribute=trace --json "$j" >"$out/fault-$k-$fs.out"
		echo "coverage, $fs-dax, debian:$k:"
		coverage "$j"
		# kept: an unwritten extent converted without MAP_SYNC, a MAP_SYNC
		# hole (every phase of an allocating sync fault), a MAP_SYNC
		# written block (nothing to allocate, nothing to commit)
		extract "$j" 1 "$fs-$k-none-unwritten.trace"
		extract "$j" 3 "$fs-$k-mapsync-hole.trace"
		extract "$j" 5 "$fs-$k-mapsync-written.trace"
		j=$out/sync-$k-$fs.json
		[ -n "${REUSE:-}" ] || "$sf" run sync --target "vm:$fs-dax" --kernel "debian:$k" "${timing[@]}" --mode msync,fsync \
			--pattern append --batch 4 --updates 16 --repeats 1 --attribute=trace --json "$j" \
			>"$out/sync-$k-$fs.out"
		extract "$j" 0 "$fs-$k-msync.trace" 2 __x64_sys_msync
	done
done
j=$out/contention.json
[ -n "${REUSE:-}" ] || "$sf" run contention --target vm:ext4-dax --kernel debian:6.12 "${timing[@]}" --mode mapsync --faulters 2 \
	--lockers 1 --interval 200 --repeats 1 --attribute=trace --json "$j" >"$out/contention.out"
extract "$j" 0 ext4-6.12-contention-mapsync.trace 8 __x64_sys_mprotect:2
echo "results in $out"
