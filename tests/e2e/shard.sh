#!/bin/bash
# suite --shard K/N: the N shards of a config are a partition of its runs
# (every run in exactly one shard, the same split every time; a guest
# target's runs all in one shard: one boot); bad --shard values are
# refused.  The documented GNU parallel recipe, run locally: two shards at
# once, merged by report -o and compare --base/--new, give the same set of
# results (ids, parameters, metrics) as one run of the whole config.
. "$(dirname "$0")/../lib/common.sh"

command -v parallel >/dev/null || fail "GNU parallel is not installed (Debian: parallel; scripts/setup installs it)"
T=$(mktemp -d /dev/shm/sf-e2e-shard.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

# the split of the quick suite (guest runs included: --list boots nothing)
Q=$SRC/configs/quick.ini
"$SF" suite "$Q" --list | sort >"$WORK/all"
for n in 2 3; do
	: >"$WORK/union"
	for k in $(seq "$n"); do
		"$SF" suite "$Q" --shard "$k/$n" --list | sort >"$WORK/s$k"
		cat "$WORK/s$k" >>"$WORK/union"
		[ -s "$WORK/s$k" ] || fail "shard $k/$n is empty"
		# a guest target lives in one shard only
		for t in $(cut -f2 "$WORK/s$k" | grep '^vm:' | sort -u); do
			for j in $(seq "$n"); do
				[ "$j" = "$k" ] && continue
				"$SF" suite "$Q" --shard "$j/$n" --list | cut -f2 | grep -qx "$t" &&
					fail "$t is in shards $k and $j of $n"
			done
		done
	done
	sort "$WORK/union" | diff - "$WORK/all" >/dev/null || fail "the $n shards are not a partition of the runs"
	"$SF" suite "$Q" --shard "1/$n" --list | cmp -s - <(sort "$WORK/s1") ||
		"$SF" suite "$Q" --shard "1/$n" --list | sort | cmp -s - "$WORK/s1" || fail "split not deterministic"
done
for bad in 0/2 3/2 1/0 x 1/2x 2; do
	expect_status 2 "$SF" suite "$Q" --shard "$bad" --list
	grep -q 'K/N' "$WORK/err" || fail "--shard $bad: the form is not named"
done

# a small host suite: one run, then two shards through GNU parallel
cat >"$WORK/s.ini" <<INI
[global]
repeats = 2

[fault]
bench = fault
target = host:$T
mode = none
class = hole, written
pages = 32

[sync]
bench = sync
target = host:$T
mode = fsync, none
batch = 1, 4
updates = 16
INI
expect_status 0 "$SF" suite "$WORK/s.ini" -o "$WORK/one"
# the recipe of docs/sharding.md, with -S dropped: local jobs
parallel --halt now,fail=1 "$SF" suite "$WORK/s.ini" --shard {}/2 -o "$WORK/shard-{}" ::: 1 2 \
	>"$WORK/parallel.log" 2>&1 || { cat "$WORK/parallel.log" >&2; fail "parallel shards failed"; }
ones=$(cd "$WORK/one" && ls *.json | grep -v '^env.json$' | sort)
shards=$(cd "$WORK" && ls shard-1/*.json shard-2/*.json | xargs -n1 basename | grep -v '^env.json$' | sort)
[ "$ones" = "$shards" ] || fail "shards have other results than one run: $(diff <(echo "$ones") <(echo "$shards"))"
[ -n "$(ls "$WORK"/shard-1/*.json | grep -v env.json)" ] && [ -n "$(ls "$WORK"/shard-2/*.json | grep -v env.json)" ] ||
	fail "one shard ran nothing"
grep -q '"shard": *"1/2"' "$WORK/shard-1/env.json" || fail "env.json does not record the shard"

# merged: the same rows (file names aside) as one run
expect_status 0 "$SF" report -o "$WORK/merged" "$WORK/shard-1" "$WORK/shard-2"
"$SF" report --format csv "$WORK/one" >"$WORK/one.csv"
"$SF" report --format csv "$WORK/shard-1" "$WORK/shard-2" >"$WORK/merged.csv"
python3 - "$WORK/one.csv" "$WORK/merged.csv" <<'PY' || fail "merged rows differ from one run's"
import csv, os, sys
def keys(p):
    return sorted((os.path.basename(r["file"]), r["metric"], r["status"]) +
                  tuple(sorted((k, v) for k, v in r.items() if k.startswith("param.")))
                  for r in csv.DictReader(open(p, newline="")))
a, b = keys(sys.argv[1]), keys(sys.argv[2])
assert a == b, (len(a), len(b))
print("rows", len(a))
PY
grep -q 'fault' "$WORK/merged/report.txt" && grep -q 'sync' "$WORK/merged/report.txt" || fail "merged report lacks a benchmark"
# compare merges shards too: one run against the two shards pairs every result
rc=0
"$SF" compare --base "$WORK/one" --new "$WORK/shard-1" --new "$WORK/shard-2" >"$WORK/out" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 5 ] || { cat "$WORK/out" >&2; fail "compare of merged shards exited $rc"; }
grep -q 'and more' "$WORK/out" || fail "compare does not say it merged directories"
unpaired=$(grep -ci 'only in' "$WORK/out" || true)
[ "$unpaired" = 0 ] || fail "compare left results unpaired: $(grep -i 'only in' "$WORK/out" | head -3)"
echo "ok"
