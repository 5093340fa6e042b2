#!/bin/bash
# syncfault run sync on tmpfs: the modes that work there give per-update
# time-to-durable with its parts, none is labelled NOT durable, mapsync and
# daxfile are unsupported with the reason, tmpfs says it has no journal,
# the summary names the break-even (or why there is none), bare
# fsync/fdatasync calls work, bad input is refused.
. "$(dirname "$0")/../lib/common.sh"

T=$(mktemp -d /dev/shm/sf-e2e-sync.XXXXXX)
trap 'rm -rf "$WORK" "$T"' EXIT

# the mode x batch matrix: 6 modes x 2 batch sizes, mapsync unsupported (exit 3)
expect_status 3 "$SF" run sync --target "$T" --mode msync,fsync,fdatasync,pwrite,none,mapsync \
	--pattern append --batch 1,8 --updates 32 --repeats 2 --json "$WORK/m.json"
json_assert "$WORK/m.json" \
	'len(r) == 12 and all(x["bench"] == "sync" for x in r)' \
	'[x["params"]["mode"] for x in r][::2] == ["msync", "fsync", "fdatasync", "pwrite", "none", "mapsync"]' \
	'[x["status"] for x in r] == ["ok"] * 10 + ["unsupported"] * 2' \
	'all(all(c["ok"] for c in x["checks"]) for x in r[:10])' \
	'all(check(x, "data_read_back")["detail"].startswith("all 32 updates") for x in r[:10])' \
	'all(metric(x, "time_to_durable_per_update")["unit"] == "ns" for x in r[:10])' \
	'all(metric(x, "time_to_durable_per_update")["n"] == 2 * 32 // int(x["params"]["batch"]) for x in r[:10])' \
	'all((lambda m: 0 <= m["min"] <= m["p50"] <= m["p90"] <= m["p99"] <= m["max"])(metric(x, "time_to_durable_per_update")) for x in r[:10])' \
	'all(metric(x, "time_to_durable_per_batch")["p50"] >= metric(x, "time_to_durable_per_update")["p50"] for x in r[:10])' \
	'all(metric(x, "stores_faults_per_update")["n"] > 0 and metric(x, "persist_call_per_update")["n"] > 0 for x in r[:10])' \
	'all(metric(x, "updates_per_s")["p50"] > 0 for x in r[:10])' \
	'all(x["info"]["journal"] == "no journal on tmpfs" for x in r[:10])' \
	'all("journal_commits_per_1000" not in [m["name"] for m in x["metrics"]] for x in r)' \
	'all(check(x, "durability")["detail"].startswith("NOT durable") == (x["params"]["mode"] == "none") for x in r[:10])' \
	'all(x["info"]["durable"] == ("NOT durable (control)" if x["params"]["mode"] == "none" else "yes") for x in r[:10])' \
	'all(metric(x, "faults_per_update")["p50"] < 0.1 for x in r[6:8])' \
	'all("EOPNOTSUPP" in x["reason"] and x["metrics"] == [] for x in r[10:])'
out=$WORK/out
grep -q "unsupported: MAP_SYNC refused (EOPNOTSUPP)" "$out" || fail "mapsync: no unsupported reason printed"
grep -q "NOT durable" "$out" || fail "none is not labelled NOT durable in the text output"
grep -q "^sync summary: " "$out" || fail "no summary after the matrix"
grep -q "none (NOT durable)" "$out" || fail "summary table does not label none"
grep -q "journal: no journal on tmpfs" "$out" || fail "summary does not say tmpfs has no journal"
grep -q "mapsync vs msync: no break-even: mapsync has no result" "$out" || fail "break-even line missing"
[ -z "$(ls -A "$T")" ] || fail "scratch files left in the target: $(ls -A "$T")"

# every pattern; random with a fill fraction; daxfile unsupported on tmpfs
expect_status 3 "$SF" run sync --target "$T" --mode msync,daxfile --pattern unwritten,overwrite,random \
	--fill 25 --batch 4 --updates 32 --repeats 1 --json "$WORK/p.json"
json_assert "$WORK/p.json" \
	'[x["status"] for x in r] == ["ok"] * 3 + ["unsupported"] * 3' \
	'all(all(c["ok"] for c in x["checks"]) for x in r[:3])' \
	'r[2]["info"]["pages_prefilled"] == 8' \
	'"DAX" in r[3]["reason"]'

# bare fsync/fdatasync calls with nothing, data or metadata dirty
expect_status 0 "$SF" run sync --target "$T" --mode fsync,fdatasync --dirty none,data,metadata \
	--updates 16 --repeats 1 --json "$WORK/d.json"
json_assert "$WORK/d.json" \
	'len(r) == 6 and all(x["status"] == "ok" for x in r)' \
	'all(metric(x, "sync_call_latency")["n"] == 16 for x in r)' \
	'all(all(c["ok"] for c in x["checks"]) for x in r)' \
	'[x["info"]["calls"] for x in r] == [16] * 6'
grep -q "mode \\\\ dirty" "$WORK/out" || fail "no bare-call summary table"
expect_status 3 "$SF" run sync --target "$T" --mode msync --dirty none --repeats 1
grep -q "use --mode fsync or fdatasync" "$WORK/out" || fail "--dirty with msync: no reason"

# bad input: exit 2, one line naming the parameter, no result file
for bad in "--bytes 3m" "--bytes 4" "--fill 101" "--pattern bogus" "--batch 0" "--updates 0" \
	"--dirty some" "--page 1g" "--mode mapsync,,msync"; do
	# shellcheck disable=SC2086
	expect_status 2 "$SF" run sync --target "$T" $bad --json "$WORK/bad.json"
	[ ! -e "$WORK/bad.json" ] || fail "bad input '$bad' left a result file"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "bad input '$bad': error is not one line"
	grep -q -- "${bad%% *}" "$WORK/err" || fail "'$bad': error does not name the parameter"
done
# more bytes than a page: an error result naming the fix
expect_status 1 "$SF" run sync --target "$T" --mode msync --bytes 8k --repeats 1
grep -q "use at most 4096" "$WORK/out" || fail "--bytes 8k with 4k pages: no fix named"
# write-back on a block-backed file system: stated as a ratio to the update,
# flagged as the folio's doing (a note: exit 0, no failed check); the summary
# shows fill only for the random pattern, the one it applies to
V=$(mktemp -d /var/tmp/sf-e2e-sync.XXXXXX)
expect_status 0 "$SF" run sync --target "$V" --mode msync --pattern overwrite,random --fill-chunk 2m \
	--repeats 2 --json "$WORK/wb.json"
rm -rf "$V"
grep -q '^sync summary: pattern=overwrite ' "$WORK/out" || fail "no overwrite summary: $(cat "$WORK/out")"
grep '^sync summary: pattern=overwrite ' "$WORK/out" | grep -q 'fill=' && fail "overwrite summary shows fill"
grep -q '^sync summary: pattern=random fill=50 ' "$WORK/out" || fail "random summary lost its fill"
grep -q 'FAIL' "$WORK/out" && fail "a write-back ratio failed a check: $(grep FAIL "$WORK/out")"
if grep -q 'write-back: ' "$WORK/out"; then
	grep -q 'write-back: [0-9]* bytes per 64-byte update (median of repeats): [0-9]*x the update' "$WORK/out" ||
		fail "write-back line: $(grep write-back "$WORK/out")"
	json_assert "$WORK/wb.json" 'all(x["info"]["writeback_update_bytes"] == 64 for x in r)' \
		'all(x["info"]["writeback_dirtied_bytes"] == 4096 for x in r)'
fi
echo "sync e2e: ok"
