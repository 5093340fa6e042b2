#!/bin/bash
# SPDX-License-Identifier: MIT
# Known answers for the attribution, by injection (long: five kernel
# builds, 8 minutes here the first time, and five guest boots, about 70 s
# each under icount; not in the default test run).  Kernel A is
# Debian's linux-source-6.12 built with the project's guest config; each
# other kernel is A plus a udelay() in one function the phase map names:
#
#   dax-sync-fault-delay.patch   300 us in dax_finish_sync_fault   MAP_SYNC finish
#   inject-ext4-allocator.patch  100 us in ext4_mb_new_blocks      allocation
#   inject-ext4-zeroout.patch    100 us in ext4_issue_zeroout      zeroing
#   inject-pte-insert.patch      100 us in vmf_insert_mixed_mkwrite page-table insert
#
# Each kernel runs `run fault --attribute` on ext4-dax (plain and MAP_SYNC;
# hole, unwritten, written) under QEMU's instruction-count clock, where
# udelay() spins a fixed number of guest nanoseconds; `syncfault compare`
# against A must name the injected phase, and only it, under every row
# whose path reaches the function (and name nothing under the others),
# and the phase's mean in the median events must move by the delay to
# within 1%.
#
#   tests/long/injection.sh build          kernel builds (CPU only: run it light)
#   tests/long/injection.sh run [OUTDIR]   guest runs and the checks (heavy)
#   tests/long/injection.sh one NAME OUTDIR  one kernel's run (base, sync,
#                                          alloc, zero, insert): run's steps as
#                                          short heavy jobs, then `table`
#   tests/long/injection.sh table OUTDIR   the checks and the table from OUTDIR
#
# TIMING=real runs on the host's clock instead (checks within 10%).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
sf=${SYNCFAULT:-$here/build/syncfault}
timing=${TIMING:-icount}
fail() { echo "FAIL: $*" >&2; exit 1; }

# name  patch  phase  delay(us)  rows the function is on (mode/class): a
# MAP_SYNC fault on a written block finds no dirty block map, so it never
# reaches dax_finish_sync_fault; only a hole allocates; a hole's new
# blocks and an unwritten extent's are zeroed (ext4_map_create_blocks);
# every write fault inserts a PTE with vmf_insert_mixed_mkwrite.  ("+" is
# a space in the phase's name.)
injections=(
	"sync   dax-sync-fault-delay.patch  MAP_SYNC+finish    300 mapsync/hole,mapsync/unwritten"
	"alloc  inject-ext4-allocator.patch allocation         100 none/hole,mapsync/hole"
	"zero   inject-ext4-zeroout.patch   zeroing            100 none/hole,none/unwritten,mapsync/hole,mapsync/unwritten"
	"insert inject-pte-insert.patch     page-table+insert  100 none/hole,none/unwritten,none/written,mapsync/hole,mapsync/unwritten,mapsync/written"
)

build() {
	local row name patch
	"$sf" kernel build debian:6.12 --name sf-inj-base
	for row in "${injections[@]}"; do
		read -r name patch _ <<<"$row"
		"$sf" kernel build debian:6.12 --patch "$here/tests/long/$patch" --name "sf-inj-$name"
	done
}

# 6 repeats a side: with one run a side compare marks nothing (every row
# is exploratory, "expl") and shows a row's phases when the row's 95%
# interval of the pooled repeats excludes 0, which takes 4 repeats a side
# at least; 6 leave room for a dropped one.
fault_run() {
	"$sf" run fault --target vm:ext4-dax --kernel "built:sf-inj-$1" --timing "$timing" \
		--mode none,mapsync --class hole,unwritten,written --pages 64 --repeats 6 \
		--attribute --json "$out/$1.json" >"$out/$1.out" 2>&1 ||
		fail "the run on built:sf-inj-$1 failed (see $out/$1.out)"
}

# One kernel's run; an injected kernel's is compared against base's.
one() {
	mkdir -p "$out"
	if [ "$1" = base ]; then
		# the built kernel (tinyconfig, -Os) must trace every row of the map
		"$sf" kernel check-phases built:sf-inj-base >"$out/check-phases.txt" 2>&1 ||
			fail "the phase map does not hold on built:sf-inj-base (see $out/check-phases.txt)"
		fault_run base
		return
	fi
	printf '%s\n' "${injections[@]}" | grep -q "^$1 " || fail "no injection named $1 (see $0)"
	[ -f "$out/base.json" ] || fail "no $out/base.json: run \`$0 one base $out\` first"
	fault_run "$1"
	"$sf" compare "$out/base.json" "$out/$1.json" >"$out/compare-$1.txt" 2>&1 || true
}

run() {
	local row name
	one base
	for row in "${injections[@]}"; do
		read -r name _ <<<"$row"
		one "$name"
	done
	table
}

# The checks and the table: phase injected, delay, what compare named, the
# phase's move in the median events (mean, us) per row.
table() {
	python3 - "$out" "$timing" "${injections[@]}" <<'PY'
import json, re, sys
out, timing, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
tol = 0.01 if timing == 'icount' else 0.10

def load(name):
    res = json.load(open('%s/%s.json' % (out, name)))
    return {(r['params']['mode'], r['params']['class']): r for r in res}

def phases(r):
    a = r['attribution']
    assert a['status'] == 'ok', a
    return a['events']['fault']['phases']

def latency_us(r):
    """The untraced repeats' fault_latency p50."""
    return [m for m in r['metrics'] if m['name'] == 'fault_latency'][0]['p50'] / 1000

def named(text, mode, cls):
    """The phase names compare printed under the row of mode/class."""
    block = re.search(r'^fault mode=%s class=%s .*?(?=^\S)' % (mode, cls), text + '\nEND', re.S | re.M)
    if not block:
        return []
    m = re.search(r'fault phases [+-]\d+%: (.*?)(?:; other phases|; every phase|$)', block.group(0).replace('\n      ', ' '), re.S)
    return re.findall(r'([A-Za-z_ -]+?) [+-][\d.]+ us', m.group(1)) if m else []

base = load('base')
bad = []
print('| injected | delay | row | compare names | phase moved (traced median events) | fault_latency p50 moved (untraced) |')
print('|---|---|---|---|---|---|')
for row in rows:
    name, patch, phase, delay, reach = row.split()
    phase, delay, reach = phase.replace('+', ' '), float(delay), reach.split(',')
    new = load(name)
    text = open('%s/compare-%s.txt' % (out, name)).read()
    for key in sorted(base):
        mode, cls = key
        b, n = phases(base[key]), phases(new[key])
        moved = n[phase]['mid_us'] - b[phase]['mid_us']
        names = [x.strip() for x in named(text, mode, cls)]
        hit = '%s/%s' % key in reach
        print('| %s (%s) | %.0f us | %s %s | %s | %+.3f us | %+.2f us |' % (phase, patch, delay, mode, cls,
              ', '.join(names) or '-', moved, latency_us(new[key]) - latency_us(base[key])))
        if hit and (names != [phase] or abs(moved - delay) > tol * delay):
            bad.append('%s on %s/%s: compare named %s, %s moved %+.3f us (want %.0f)' %
                       (name, mode, cls, names, phase, moved, delay))
        if not hit and (names or abs(moved) > tol * delay):
            bad.append('%s on %s/%s (not on its path): compare named %s, %s moved %+.3f us' %
                       (name, mode, cls, names, phase, moved))
for b in bad:
    print('FAIL: ' + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

case ${1:-} in
build) build ;;
run) out=${2:-$here/results/injection-$(date +%Y%m%d-%H%M%S)}; run; echo "injection: ok ($out)" ;;
one) out=${3:?one NAME OUTDIR}; one "$2" ;;
table) out=${2:?table OUTDIR}; table ;;
*) sed -n '3,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
