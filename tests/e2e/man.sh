#!/bin/bash
# The man pages and the bash completion are generated from the tables
# behind --help: every parameter of every benchmark is in the parameter
# tables of syncfault-benchmarks(7) and syncfault-run(1), every subcommand
# has its page, the pages render without groff warnings, and the
# completion offers subcommands, benchmarks, parameter names, enum values
# (also after a comma) and vm: targets.
. "$(dirname "$0")/../lib/common.sh"

D=$(cd "$(dirname "$SF")" && pwd)/docs
B7=$D/syncfault-benchmarks.7 RUN1=$D/syncfault-run.1
[ -s "$B7" ] && [ -s "$RUN1" ] || fail "man pages not built in $D"

nparams=0
for b in $("$SF" list | awk '/^  [a-z]/ {print $1}'); do
	params=$("$SF" run "$b" --help | sed -n '/^parameters/,/^$/p' | awk '$1 ~ /^--/ {print substr($1, 3)}')
	[ -n "$params" ] || fail "no parameters parsed from run $b --help"
	for page in "$B7" "$RUN1"; do
		grep -q "^\.SS $b\$" "$page" || fail "$(basename "$page"): no section for benchmark $b"
	done
	for p in $params; do
		e=$(printf '%s' "$p" | sed 's/-/\\\\-/g')
		for page in "$B7" "$RUN1"; do
			grep -q "^\\\\-\\\\-$e@" "$page" || fail "$(basename "$page"): parameter --$p of $b not in its table"
		done
		nparams=$((nparams + 1))
	done
done
[ "$nparams" -ge 20 ] || fail "only $nparams parameters found"

for c in $("$SF" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}'); do
	[ "$c" = help ] && continue
	[ -s "$D/syncfault-$c.1" ] || fail "no man page for subcommand $c"
done
"$SF" --help | grep -q gendoc && fail "the build tool shows in --help"

if command -v man >/dev/null; then
	for p in "$D"/*.[17]; do
		warn=$(man -l --warnings "$p" 2>&1 >/dev/null || true)
		[ -z "$warn" ] || fail "$(basename "$p"): $warn"
	done
	man -l "$RUN1" 2>/dev/null | grep -q 'fault-check' || fail "run page does not render its tables"
fi

# completion: the line as typed, with bash's own word breaks (':' included)
complete_line() {
	bash -c 'source "$1"; COMP_LINE=$2; COMP_POINT=${#2}; _syncfault; echo "${COMPREPLY[*]}"' \
		sh "$D/syncfault" "$1"
}
has() { # has WORD LIST
	[[ " $2 " == *" $1 "* ]]
}
r=$(complete_line "syncfault su"); has suite "$r" || fail "subcommands: got '$r'"
r=$(complete_line "syncfault run fl"); has flush "$r" || fail "benchmarks: got '$r'"
r=$(complete_line "syncfault run fault --fault-c"); has --fault-check "$r" || fail "parameters: got '$r'"
r=$(complete_line "syncfault run flush --time"); has --time_ms "$r" || fail "parameters with _: got '$r'"
r=$(complete_line "syncfault run fault --tar"); has --target "$r" || fail "run options: got '$r'"
r=$(complete_line "syncfault run fault --mode ma"); has mapsync "$r" || fail "enum values: got '$r'"
r=$(complete_line "syncfault run fault --mode "); has daxfile "$r" || fail "enum values (empty word): got '$r'"
r=$(complete_line "syncfault run sync --mode none,fd"); has none,fdatasync "$r" || fail "comma list: got '$r'"
# bash splits at ':': the reply is what follows the colon
r=$(complete_line "syncfault run fault --target vm:x"); has xfs-dax "$r" || fail "vm targets: got '$r'"
r=$(complete_line "syncfault run fault --target vm:ext4-dax,vm:x"); has vm:ext4-dax,vm:xfs-dax "$r" ||
	has xfs-dax "$r" || fail "vm target list: got '$r'"
r=$(complete_line "syncfault suite --re"); has --resume "$r" || fail "suite options: got '$r'"
r=$(complete_line "syncfault crashtest --mode map"); has mapsync "$r" || fail "crashtest modes: got '$r'"
if "$SF" --help | grep -q '^  kernel '; then
	r=$(complete_line "syncfault kernel "); has list "$r" || fail "kernel verbs: got '$r'"
fi
echo "ok: $nparams parameters in both pages"
