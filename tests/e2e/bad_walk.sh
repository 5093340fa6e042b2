#!/bin/bash
# Results directories are walked with each file counted once: a symlink to
# the directory itself, a `latest -> round-2` link, a second hard link and a
# FIFO named *.json change nothing in what compare and report compute (no
# pooled duplicates, no false WORSE, no hang), and what was skipped is said.
. "$(dirname "$0")/../lib/common.sh"

FX=$SRC/tests/e2e/fixtures/compare
cp -r "$FX/new-same" "$WORK/clean"
cp -r "$FX/new-same" "$WORK/messy"
M=$WORK/messy
mkdir "$M/round-2"
first=$(ls "$M"/*.json | head -1)
ln -s . "$M/loop"
ln -s round-2 "$M/latest"
ln "$first" "$M/round-2/again.json"
ln -s "$first" "$M/round-2/link.json"
mkfifo "$M/pipe.json"
ln -s nowhere.json "$M/dangling.json"

expect_status 0 timeout 60 "$SF" compare "$FX/base" "$WORK/clean"
cp "$WORK/out" "$WORK/clean.txt"
expect_status 0 timeout 60 "$SF" compare "$FX/base" "$M"
# the header names the directories; everything else must be identical
diff <(grep -v "$WORK" "$WORK/clean.txt") <(grep -v "$WORK" "$WORK/out") >/dev/null ||
	fail "links and duplicates changed the comparison: $(diff <(grep -v "$WORK" "$WORK/clean.txt") <(grep -v "$WORK" "$WORK/out"))"
for what in "loop: a symlink to a directory" "latest: a symlink to a directory" \
	    "pipe.json: not a regular file" "dangling.json: a dangling symlink" "counted once"; do
	grep -q "skipped .*$what" "$WORK/err" || fail "compare did not say it skipped '$what': $(cat "$WORK/err")"
done

# report: the FIFO does not block it, the hard link is one file
R=$WORK/rep
mkdir "$R"
cp "$SRC/tests/e2e/fixtures/report/"fault-host*.json "$R/"
mkfifo "$R/pipe.json"
ln "$R"/fault-host*.json "$R/second-name.json"
ln -s . "$R/loop"
expect_status 0 timeout 60 "$SF" report "$R"
grep -q "pipe.json: not a regular file" "$WORK/err" || fail "report did not say it skipped the FIFO: $(cat "$WORK/err")"
grep -q "counted once" "$WORK/err" || fail "report did not say it skipped the second name: $(cat "$WORK/err")"
[ -s "$R/report.txt" ] || fail "report wrote no report.txt"
echo "bad_walk e2e: ok"
