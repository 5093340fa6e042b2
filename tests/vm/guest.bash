# SPDX-License-Identifier: MIT
# Guest-test additions to tests/lib/common.sh (sourced after it, not run):
# the guest's scratch space goes to a private TMPDIR, so that anything a
# run leaves behind is seen.
command -v qemu-system-x86_64 >/dev/null ||
	fail "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
export SYNCFAULT_SOURCE=$SRC
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"

# expect_failure CMD...: CMD must fail with an exit status of its own (not
# 0, not a signal), its output in $WORK/out and $WORK/err.
expect_failure() {
	local rc=0
	"$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; then
		cat "$WORK/out" "$WORK/err" >&2
		fail "'$*' exited $rc, expected a failure status"
	fi
}

# expect_err TEXT: the last command's stderr says TEXT.
expect_err() {
	grep -qF -- "$1" "$WORK/err" || { cat "$WORK/err" >&2; fail "stderr lacks '$1'"; }
}

# No QEMU of ours still running, no guest scratch dir left over.
expect_clean() {
	local left
	if pgrep -f "qemu-system-x86_64.*$WORK" >/dev/null; then
		fail "a QEMU process outlived syncfault: $(pgrep -af "qemu-system-x86_64.*$WORK")"
	fi
	left=$(ls -A "$TMPDIR")
	[ -z "$left" ] || fail "left behind in TMPDIR: $left"
}
